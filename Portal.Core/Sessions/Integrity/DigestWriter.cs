using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Portal.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Setup;

namespace Portal.Core.Sessions.Integrity;

/// <summary>What the digest writer last did, for the integrity page and the system status.</summary>
/// <param name="LastDigestKey">The newest digest it wrote or found.</param>
/// <param name="LastIntervalEnd">Where that digest ends: every version written before it is in a digest.</param>
/// <param name="LastRunAt">When it last looked.</param>
/// <param name="KeyArn">The signing key, once resolved.</param>
/// <param name="LastError">Why the last run wrote nothing it should have (with the AWS code), or <see langword="null"/>.</param>
public sealed record DigestStatus(string? LastDigestKey, DateTimeOffset? LastIntervalEnd, DateTimeOffset? LastRunAt, string? KeyArn, string? LastError);

/// <summary>
/// Writes a signed digest of the log bucket for each interval once it has settled: every transcript version whose
/// LastModified falls in it, hashed, chained to the previous digest, signed with KMS (RSASSA-PSS over the file's
/// SHA-256), and written with If-None-Match so that two replicas never write one interval twice. When the portal was
/// stopped for several intervals, one digest covers the whole gap, so the chain never has a hole; the first digest
/// covers everything before it.
/// </summary>
internal sealed partial class DigestWriter(
    DigestStore store,
    IDigestSigner signer,
    ISessionLogLocation location,
    ISetupStore setups,
    TimeProvider time,
    IOptions<IntegrityOptions> options,
    JobLeases leases,
    IOptions<ReplicaOptions> replica,
    IHostApplicationLifetime lifetime,
    ILogger<DigestWriter> logger) : LeasedJob(leases, time, replica, lifetime, logger)
{
    private LastDigest? _last;

    public override string Name => "digests";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(20);

    protected override bool Enabled => options.Value.Enabled;

    /// <summary>What the writer last did.</summary>
    public DigestStatus Status { get; private set; } = new(null, null, null, null, null);

    /// <summary>The key digests are signed with: the setup wizard's, else <c>Portal:Integrity:DigestKey</c>.</summary>
    public async Task<string> KeyIdAsync(CancellationToken cancellationToken) =>
        (await setups.GetAsync(cancellationToken))?.Settings.DigestKeyAlias is { Length: > 0 } alias ? alias : options.Value.DigestKey;

    /// <summary>Writes the digest that is due, if any; returns its key.</summary>
    /// <exception cref="AwsApiException">S3 or KMS refused; nothing was written.</exception>
    public async Task<string?> WriteDueAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (await location.GetAsync(cancellationToken) is not { } source)
        {
            Status = Status with { LastRunAt = now, LastError = "No log bucket is set up yet." };
            return null;
        }

        var settings = options.Value;
        var end = Floor(now - settings.Settle, settings.DigestInterval);
        if (_last is { } known && known.Bucket == source.Bucket && end <= known.End)
        {
            Status = Status with { LastRunAt = now, LastError = null };
            return null;
        }

        // A digest is due: chain to the newest in the bucket, which another replica may have written since.
        var last = await LatestAsync(source.Bucket, cancellationToken);
        _last = last;
        var start = last?.End ?? DateTimeOffset.UnixEpoch;
        if (end <= start)
        {
            Status = Status with { LastDigestKey = last?.Key, LastIntervalEnd = last?.End, LastRunAt = now, KeyArn = last?.KeyArn ?? Status.KeyArn, LastError = null };
            return null;
        }

        var key = await signer.DescribeAsync(await KeyIdAsync(cancellationToken), cancellationToken);
        if (key.Usable is { } problem)
        {
            throw new AwsApiException("kms", "DescribeKey", "UnusableKey", problem);
        }

        var objects = await HashVersionsAsync(source, start, end, cancellationToken);
        var file = new DigestFile(
            1,
            source.Bucket,
            source.Prefix,
            start,
            end,
            now,
            key.Arn,
            DigestFile.Algorithm,
            last is { } previous ? new DigestLink(previous.Key, previous.Sha256) : null,
            objects);
        var bytes = file.ToBytes();
        var sha256 = SHA256.HashData(bytes);
        var signature = await signer.SignAsync(key.Arn, sha256, cancellationToken);
        var digestKey = DigestFile.KeyFor(end);
        if (!await store.WriteAsync(source.Bucket, digestKey, bytes, Convert.ToHexStringLower(signature), cancellationToken))
        {
            // Another replica wrote this interval: read the chain again next Time.
            _last = null;
            Status = Status with { LastRunAt = now, KeyArn = key.Arn, LastError = null };
            return null;
        }

        _last = new LastDigest(source.Bucket, digestKey, Convert.ToHexStringLower(sha256), end, key.Arn);
        Status = new DigestStatus(digestKey, end, now, key.Arn, null);
        LogWritten(logger, digestKey, objects.Count, start, end);
        return digestKey;
    }

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteDueAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tried again on the next pass; the verify page shows the error and how late digests are.
            Status = Status with { LastRunAt = Time.GetUtcNow(), LastError = Describe(ex) };
            throw;
        }
    }

    /// <summary>The start of the interval holding <paramref name="at"/>, counted from the Unix epoch.</summary>
    internal static DateTimeOffset Floor(DateTimeOffset at, TimeSpan interval)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (ticks % interval.Ticks));
    }

    /// <summary>The newest digest in the bucket, by key (keys sort by interval end), with the SHA-256 of its bytes.</summary>
    private async Task<LastDigest?> LatestAsync(string bucket, CancellationToken cancellationToken)
    {
        // Look at the last two days first; list everything only when they hold none.
        var recent = DigestFile.KeyFor(Time.GetUtcNow().AddDays(-2))[..(DigestFile.KeyPrefix.Length + 10)];
        var newest = await NewestAsync(bucket, recent, cancellationToken) ?? await NewestAsync(bucket, null, cancellationToken);
        if (newest is null)
        {
            return null;
        }

        var stored = await store.ReadAsync(bucket, newest.Key, cancellationToken)
            ?? throw new AwsApiException("s3", "GetObject", "NoSuchKey", $"The digest {newest.Key} was listed but cannot be read.");
        // One that is not a digest is chained to all the same: verification reports what is wrong with it.
        return new LastDigest(bucket, newest.Key, Convert.ToHexStringLower(SHA256.HashData(stored.Bytes)), newest.End, DigestFile.TryParse(stored.Bytes)?.KeyArn);
    }

    private async Task<DigestEntry?> NewestAsync(string bucket, string? startAfter, CancellationToken cancellationToken)
    {
        DigestEntry? newest = null;
        await foreach (var entry in store.ListAsync(bucket, startAfter, cancellationToken))
        {
            if (!entry.Deleted)
            {
                newest = entry;
            }
        }

        return newest;
    }

    private async Task<IReadOnlyList<DigestedObject>> HashVersionsAsync(SessionLogSource source, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        await foreach (var version in store.ObjectVersionsAsync(source.Bucket, source.Prefix, cancellationToken))
        {
            if (version.LastModified >= start && version.LastModified < end)
            {
                versions.Add(version);
            }
        }

        var hashed = new DigestedObject?[versions.Count];
        await Parallel.ForAsync(0, versions.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var version = versions[i];
            // A version deleted between the listing and the read is left out; the next digest does not list it either.
            if (await store.HashAsync(source.Bucket, version.Key, version.VersionId, ct) is { } hash)
            {
                hashed[i] = new DigestedObject(version.Key, version.VersionId, hash.Size, hash.Sha256, version.LastModified, SessionLogObject.FromKey(version.Key, 0, null)?.SessionId);
            }
        });
        return hashed.OfType<DigestedObject>().OrderBy(o => o.Key, StringComparer.Ordinal).ThenBy(o => o.LastModified).ToList();
    }

    /// <summary>The newest digest: where it is, the SHA-256 the next one chains to, where it ends, who signed it.</summary>
    private sealed record LastDigest(string Bucket, string Key, string Sha256, DateTimeOffset End, string? KeyArn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the digest {Key} of {Count} transcript version(s) from {Start} to {End}")]
    private static partial void LogWritten(ILogger logger, string key, int count, DateTimeOffset start, DateTimeOffset end);
}

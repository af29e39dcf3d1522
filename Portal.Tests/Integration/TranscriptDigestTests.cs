using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Portal.Core;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Integrity;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// Signed digests over the wire against moto (S3 versions, KMS Sign with a digest): a chain written and verified by
/// the portal and by docs/verify-digests.sh (the AWS CLI, openssl, sha256sum), then broken by a replaced digest, a
/// changed transcript and a deleted version. S3 dates the objects by moto's clock; the writer's clock is set so that
/// the first digest covers none of them, the second all of them and the third none.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class TranscriptDigestTests(MotoServerFixture moto) : IAsyncLifetime
{
    private const string Alice = "sessionmanager/alice-0123456789abcdef0.log";
    private const string Bob = "sessionmanager/bob-0123456789abcdef0.log";

    private readonly string _bucket = $"digests-{Guid.NewGuid():N}"[..24];
    private readonly string _alias = $"alias/digests-{Guid.NewGuid():N}";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddMinutes(-5));
    private readonly TestDatabase _database = new(); // the writer's lease
    private ServiceProvider _services = default!;

    private IAmazonS3 S3 => _services.GetRequiredService<IAmazonS3>();

    private ITranscriptDigests Digests => _services.GetRequiredService<ITranscriptDigests>();

    public async Task InitializeAsync()
    {
        _services = AwsClients.For(moto, services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddOptions<SessionLogOptions>().Configure(o => o.Bucket = _bucket);
            services.AddOptions<IntegrityOptions>().Configure(o =>
            {
                o.DigestInterval = TimeSpan.FromMinutes(1);
                o.Settle = TimeSpan.Zero;
                o.DigestKey = _alias;
            });
            services.AddSingleton<Portal.Core.Setup.ISetupStore, InMemorySetupStore>();
            services.AddSingleton<ISessionLogLocation, SessionLogLocation>();
            services.AddSingleton<IHostApplicationLifetime, NoLifetime>();
            services.AddSingleton<DigestStore>();
            services.AddSingleton<IDigestSigner, KmsDigestSigner>();
            services.AddSingleton<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.PortalDbContext>>(_database);
            services.AddPortalReplicas();
            services.AddSingleton<DigestWriter>();
            services.AddSingleton<ITranscriptDigests, TranscriptDigests>();
        });
        await S3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = _bucket,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
        var kms = _services.GetRequiredService<IAmazonKeyManagementService>();
        var key = await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY });
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = _alias, TargetKeyId = key.KeyMetadata.KeyId });
    }

    public Task DisposeAsync()
    {
        _services.Dispose();
        _database.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AChainOfDigests_ListsEveryVersionWithItsHash_AndVerifies_InThePortalAndWithOpenssl()
    {
        await VersioningAsync();
        var keys = await WriteChainAsync();

        var second = await ReadDigestAsync(keys[1]);
        var third = await ReadDigestAsync(keys[2]);
        var report = await Digests.VerifyAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow());
        var script = await VerifyScriptAsync();

        Assert.Equal([Alice, Bob], second.File.Objects.Select(o => o.Key));
        Assert.Equal(Sha256("$ uptime\r\r\n"), second.File.Objects[0].Sha256);
        Assert.Equal(("alice-0123456789abcdef0", 11L), (second.File.Objects[0].SessionId, second.File.Objects[0].Size));
        Assert.Equal(new DigestLink(keys[1], Sha256(second.Bytes)), third.File.Previous);
        Assert.Equal(second.File.IntervalEnd, third.File.IntervalStart);
        Assert.Empty(third.File.Objects);
        Assert.True(report.Verified, string.Join("\n", report.Problems));
        Assert.Equal((3, 2), (report.Digests, report.Objects));
        Assert.EndsWith(":key/" + (await KeyIdAsync()), Assert.Single(report.KeyArns), StringComparison.Ordinal);
        Assert.Equal(0, script.ExitCode);
        Assert.Contains("3 digest(s), 2 transcript version(s), 0 problem(s)", script.Output, StringComparison.Ordinal);
        Assert.Equal(keys[2], Digests.Status.LastDigestKey);
    }

    [Fact]
    public async Task ADigestReplaced_IsReported_AsAlteredUnsignedAndBreakingTheChain()
    {
        await VersioningAsync();
        var keys = await WriteChainAsync();
        var forged = (await ReadDigestAsync(keys[1])).File with { Objects = [] };
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = keys[1], ContentBody = Encoding.UTF8.GetString(forged.ToBytes()) });

        var report = await Digests.VerifyAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow());
        var script = await VerifyScriptAsync();

        Assert.False(report.Verified);
        Assert.Contains(report.Problems, p => p is { Kind: IntegrityProblemKind.DigestAltered } && p.DigestKey == keys[1]);
        Assert.Contains(report.Problems, p => p is { Kind: IntegrityProblemKind.BadSignature } && p.DigestKey == keys[1]);
        Assert.Contains(report.Problems, p => p is { Kind: IntegrityProblemKind.BrokenChain } && p.DigestKey == keys[2]);
        Assert.Equal(2, report.Problems.Count(p => p.Kind == IntegrityProblemKind.NotInDigest)); // the forgery left both out
        Assert.Equal(1, script.ExitCode);
        Assert.Contains($"PROBLEM {keys[1]}: ", script.Output, StringComparison.Ordinal);
        Assert.Contains($"PROBLEM {keys[2]}: the digest before it", script.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATranscriptChanged_InABucketWithoutVersions_IsReported_WithBothHashes()
    {
        var keys = await WriteChainAsync();
        await PutAsync(Alice, "$ echo nothing to see\r\r\n");

        var report = await Digests.VerifyAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow());
        var script = await VerifyScriptAsync();

        var changed = Assert.Single(report.Problems);
        Assert.Equal((IntegrityProblemKind.Changed, keys[1], Alice, "null"), (changed.Kind, changed.DigestKey, changed.ObjectKey, changed.VersionId));
        Assert.Contains(Sha256("$ uptime\r\r\n"), changed.Detail.English, StringComparison.Ordinal);
        Assert.Equal(1, script.ExitCode);
        Assert.Contains($"PROBLEM {Alice} (null): SHA-256", script.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstVersionDeleted_IsReportedMissing_AndAVersionWrittenAfterItsDigest_NotInDigest()
    {
        await VersioningAsync();
        var keys = await WriteChainAsync();
        var first = (await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = _bucket, Prefix = Bob })).Versions.Single();
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = Bob, VersionId = first.VersionId });
        await PutAsync(Alice, "$ echo rewritten\r\r\n"); // dated by moto's clock: inside the second digest's interval

        var report = await Digests.VerifyAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow());

        Assert.Contains(report.Problems, p => p is { Kind: IntegrityProblemKind.Missing, ObjectKey: Bob } && p.VersionId == first.VersionId && p.DigestKey == keys[1]);
        Assert.Contains(report.Problems, p => p is { Kind: IntegrityProblemKind.NotInDigest, ObjectKey: Alice });
        Assert.Equal(2, report.Problems.Count);
    }

    [Fact]
    public async Task TheWriter_WritesEachIntervalOnce_AndSaysWhenDigestsAreLate()
    {
        await VersioningAsync();
        await WriteChainAsync();
        var again = await Writer.WriteDueAsync(CancellationToken.None);
        var another = ActivatorUtilities.CreateInstance<DigestWriter>(_services); // a second replica, knowing nothing
        var fromAnother = await another.WriteDueAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));

        var late = await Digests.VerifyAsync(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow());

        Assert.Null(again);
        Assert.Null(fromAnother);
        Assert.Equal(IntegrityProblemKind.Late, Assert.Single(late.Problems).Kind);
        Assert.Equal(3, (await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = DigestFile.KeyPrefix })).S3Objects.Count);
    }

    private DigestWriter Writer => _services.GetRequiredService<DigestWriter>();

    /// <summary>Three digests: the first before the transcripts, the second with both, the third empty.</summary>
    private async Task<IReadOnlyList<string>> WriteChainAsync()
    {
        var now = DateTimeOffset.UtcNow;
        _time.SetUtcNow(now.AddMinutes(-1));
        var first = await Writer.WriteDueAsync(CancellationToken.None);
        await PutAsync(Alice, "$ uptime\r\r\n");
        await PutAsync(Bob, "$ sudo ls\r\r\n");
        _time.SetUtcNow(now.AddMinutes(2));
        var second = await Writer.WriteDueAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var third = await Writer.WriteDueAsync(CancellationToken.None);
        return [first!, second!, third!];
    }

    private async Task<(byte[] Bytes, DigestFile File)> ReadDigestAsync(string key)
    {
        using var response = await S3.GetObjectAsync(_bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return (buffer.ToArray(), DigestFile.Parse(buffer.ToArray()));
    }

    private async Task PutAsync(string key, string content) =>
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = content });

    private async Task VersioningAsync() =>
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = _bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });

    private async Task<string> KeyIdAsync() =>
        (await _services.GetRequiredService<IAmazonKeyManagementService>().DescribeKeyAsync(new DescribeKeyRequest { KeyId = _alias })).KeyMetadata.KeyId;

    /// <summary>docs/verify-digests.sh, with the real AWS CLI pointed at moto.</summary>
    private Task<(int ExitCode, string Output)> VerifyScriptAsync() =>
        AwsScripts.RunAsync(moto.Endpoint, Repository.File("docs/verify-digests.sh"), _bucket);

    private static string Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}

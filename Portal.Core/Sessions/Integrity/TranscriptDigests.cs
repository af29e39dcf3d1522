using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Text;

namespace Portal.Core.Sessions.Integrity;

/// <summary>How far a verification has got.</summary>
/// <param name="Digests">Digests checked so far.</param>
/// <param name="Of">Digests to check.</param>
/// <param name="Objects">Transcript versions hashed so far.</param>
public readonly record struct IntegrityProgress(int Digests, int Of, int Objects);

/// <summary>
/// The signed digests of the log bucket: their writer's status, a walk of the chain that hashes every transcript again,
/// and the digests that cover one transcript for its evidence bundle. Modelled on CloudTrail's log file integrity
/// validation; everything here can be checked without the portal (VERIFY.md says how).
/// </summary>
public interface ITranscriptDigests
{
    /// <summary>What the digest writer last did.</summary>
    DigestStatus Status { get; }

    /// <summary>How much time one digest covers.</summary>
    TimeSpan Interval { get; }

    /// <summary>
    /// Walks the digests that cover [<paramref name="since"/>, <paramref name="until"/>): each signature, each link to the
    /// previous digest, each transcript version's SHA-256, and any version in those intervals that no digest lists.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="until"/> is not after <paramref name="since"/>.</exception>
    /// <exception cref="InvalidOperationException">No log bucket is set up.</exception>
    /// <exception cref="AwsApiException">S3 refused a listing or read (KMS failures are reported as problems).</exception>
    Task<IntegrityReport> VerifyAsync(DateTimeOffset since, DateTimeOffset until, IProgress<IntegrityProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The digests that list the given versions of one transcript, with their keys' public halves.</summary>
    Task<TranscriptDigestEvidence> EvidenceAsync(string objectKey, IReadOnlyList<TranscriptVersion> versions, CancellationToken cancellationToken = default);
}

internal sealed class TranscriptDigests(
    DigestStore store,
    IDigestSigner signer,
    DigestWriter writer,
    ISessionLogLocation location,
    TimeProvider time,
    IOptions<IntegrityOptions> options) : ITranscriptDigests
{
    public DigestStatus Status => writer.Status;

    public TimeSpan Interval => options.Value.DigestInterval;

    public async Task<IntegrityReport> VerifyAsync(DateTimeOffset since, DateTimeOffset until, IProgress<IntegrityProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (until <= since)
        {
            throw new ArgumentException("The end must be after the start.", nameof(until));
        }

        var (from, to) = (since, until);

        var source = await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No log bucket is set up (the setup wizard) or configured (Portal:Sessions:Bucket).");
        var bucket = source.Bucket;
        var now = time.GetUtcNow();

        // Keys sort by interval end: start after the key of `from` and stop at the first digest that reaches `to`.
        var entries = new List<DigestEntry>();
        await foreach (var entry in store.ListAsync(bucket, DigestFile.KeyFor(from), cancellationToken))
        {
            entries.Add(entry);
            if (entry.End >= to)
            {
                break;
            }
        }

        var problems = new List<IntegrityProblem>();
        var listed = new HashSet<(string Key, string VersionId)>();
        var keyArns = new SortedSet<string>(StringComparer.Ordinal);
        (string Key, string? Sha256, DigestFile? File)? previous = null;
        DateTimeOffset? coveredFrom = null, coveredTo = null;
        int digests = 0, objects = 0;
        long bytes = 0;
        foreach (var entry in entries)
        {
            progress?.Report(new IntegrityProgress(digests, entries.Count, objects));
            if (entry.Deleted || entry.Versions > 1)
            {
                problems.Add(new(IntegrityProblemKind.DigestAltered, entry.Key, null, null, entry.Deleted
                    ? new Phrase("The digest was deleted (its newest version is a delete marker).")
                    : new Phrase("S3 holds {0} versions of the digest: it was written over or deleted since the portal wrote it.", entry.Versions)));
            }

            var stored = entry.Deleted ? null : await store.ReadAsync(bucket, entry.Key, cancellationToken);
            if (stored is null)
            {
                previous = (entry.Key, null, null);
                continue;
            }

            digests++;
            var sha256 = SHA256.HashData(stored.Bytes);
            if (DigestFile.TryParse(stored.Bytes) is not { } file)
            {
                problems.Add(new(IntegrityProblemKind.Unreadable, entry.Key, null, null, new Phrase("Not a digest: its bytes are not the JSON the portal writes.")));
                previous = (entry.Key, Convert.ToHexStringLower(sha256), null);
                continue;
            }

            keyArns.Add(file.KeyArn);
            coveredFrom ??= file.IntervalStart;
            coveredTo = file.IntervalEnd;
            if (await SignatureProblemAsync(stored, file, sha256, cancellationToken) is { } bad)
            {
                problems.Add(new(IntegrityProblemKind.BadSignature, entry.Key, null, null, bad));
            }

            if (file.IntervalEnd != entry.End || file.Bucket != bucket)
            {
                problems.Add(new(IntegrityProblemKind.Unreadable, entry.Key, null, null, new Phrase("The digest speaks of {0} up to {1:O}, not of this key's bucket and time: it was copied here.", file.Bucket, file.IntervalEnd)));
            }

            problems.AddRange(await ChainProblemsAsync(bucket, entry.Key, file, previous, cancellationToken));
            var results = await CheckObjectsAsync(bucket, entry.Key, file, cancellationToken);
            problems.AddRange(results.Problems);
            objects += file.Objects.Count;
            bytes += results.Bytes;
            foreach (var item in file.Objects)
            {
                listed.Add((item.Key, item.VersionId));
            }

            previous = (entry.Key, Convert.ToHexStringLower(sha256), file);
        }

        progress?.Report(new IntegrityProgress(digests, entries.Count, objects));

        // Versions in the digested time that no digest lists.
        if (coveredFrom is { } first && coveredTo is { } last)
        {
            var low = first > from ? first : from;
            var high = last < to ? last : to;
            await foreach (var version in store.ObjectVersionsAsync(bucket, source.Prefix, cancellationToken))
            {
                if (version.LastModified >= low && version.LastModified < high && !listed.Contains((version.Key, version.VersionId)))
                {
                    problems.Add(new(IntegrityProblemKind.NotInDigest, DigestFile.KeyFor(DigestWriter.Floor(version.LastModified, Interval) + Interval), version.Key, version.VersionId,
                        new Phrase("Written at {0:O}, in a digested interval, but no digest lists it: an upload that finished after its digest was written, or a version put there behind the portal's back.", version.LastModified)));
                }
            }
        }

        // Time that should have a digest by now and has none.
        var due = DigestWriter.Floor(now - options.Value.Settle, Interval) - Interval;
        var expected = due < to ? due : to;
        if ((coveredTo ?? DateTimeOffset.MinValue) < expected && expected > from)
        {
            problems.Add(new(IntegrityProblemKind.Late, null, null, null, coveredTo is { } lastEnd
                ? new Phrase("No digest covers the time after {0:O}: the portal has stopped writing digests{1}.", lastEnd, (Status.LastError is { } error ? $" ({error})" : string.Empty))
                : new Phrase("No digest covers {0:O} to {1:O}{2}.", from, expected, (Status.LastError is { } error2 ? $" ({error2})" : string.Empty))));
        }

        return new IntegrityReport(from, to, now, digests, objects, bytes, coveredFrom, coveredTo, keyArns.ToList(), problems);
    }

    public async Task<TranscriptDigestEvidence> EvidenceAsync(string objectKey, IReadOnlyList<TranscriptVersion> versions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectKey);
        ArgumentNullException.ThrowIfNull(versions);
        var source = await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No log bucket is set up.");
        var found = new Dictionary<string, CoveringDigest>(StringComparer.Ordinal);
        var uncovered = new List<string>();
        foreach (var version in versions.Where(v => !v.IsDeleteMarker && v.LastModified is not null))
        {
            if (await CoveringAsync(source.Bucket, objectKey, version, cancellationToken) is { } digest)
            {
                found[digest.Key] = found.TryGetValue(digest.Key, out var seen) ? seen with { VersionIds = [.. seen.VersionIds, version.VersionId] } : digest;
            }
            else
            {
                uncovered.Add(version.VersionId);
            }
        }

        var keys = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var arn in found.Values.Select(d => d.KeyArn).Distinct(StringComparer.Ordinal))
        {
            keys[arn] = (await signer.PublicKeyAsync(arn, cancellationToken)).ExportSubjectPublicKeyInfoPem() + "\n";
        }

        return new TranscriptDigestEvidence(found.Values.OrderBy(d => d.Key, StringComparer.Ordinal).ToList(), keys, uncovered);
    }

    /// <summary>The digest whose interval holds the version's LastModified, if it lists the version.</summary>
    private async Task<CoveringDigest?> CoveringAsync(string bucket, string objectKey, TranscriptVersion version, CancellationToken cancellationToken)
    {
        // The first digests ending after the version was written; a late upload may sit in the one after.
        var tried = 0;
        await foreach (var entry in store.ListAsync(bucket, DigestFile.KeyFor(version.LastModified!.Value), cancellationToken))
        {
            if (++tried > 3)
            {
                break;
            }

            if (entry.Deleted || await store.ReadAsync(bucket, entry.Key, cancellationToken) is not { } stored || DigestFile.TryParse(stored.Bytes) is not { } file)
            {
                continue;
            }

            if (file.Objects.Any(o => o.Key == objectKey && o.VersionId == version.VersionId))
            {
                return new CoveringDigest(entry.Key, stored.Bytes, TryHex(stored.SignatureHex) ?? [], file.KeyArn, [version.VersionId]);
            }
        }

        return null;
    }

    private async Task<Phrase?> SignatureProblemAsync(StoredDigest stored, DigestFile file, byte[] sha256, CancellationToken cancellationToken)
    {
        if (TryHex(stored.SignatureHex) is not { } signature)
        {
            return new Phrase("The digest has no signature in its metadata (x-amz-meta-signature).");
        }

        if (stored.Algorithm != DigestFile.Algorithm || file.SigningAlgorithm != DigestFile.Algorithm)
        {
            return new Phrase("The digest says it was signed with {0}, not {1}.", (object?)stored.Algorithm ?? new Phrase("nothing"), DigestFile.Algorithm);
        }

        RSA key;
        try
        {
            key = await signer.PublicKeyAsync(file.KeyArn, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            return new Phrase("The public key of {0} cannot be read (KMS answered {1}), so the signature cannot be checked.", file.KeyArn, ex.ErrorCode);
        }

        return PssSignature.VerifySha256(key.ExportParameters(false), sha256, signature)
            ? null
            : new Phrase("The signature does not verify with {0}: the digest's bytes are not those that were signed.", file.KeyArn);
    }

    private async Task<IEnumerable<IntegrityProblem>> ChainProblemsAsync(string bucket, string key, DigestFile file, (string Key, string? Sha256, DigestFile? File)? previous, CancellationToken cancellationToken)
    {
        var problems = new List<IntegrityProblem>();
        if (previous is null)
        {
            // The first digest checked: its link is checked against the digest it names.
            if (file.Previous is not { } link)
            {
                if (file.IntervalStart != DateTimeOffset.UnixEpoch)
                {
                    problems.Add(new(IntegrityProblemKind.BrokenChain, key, null, null, new Phrase("The digest names no previous digest, yet starts at {0:O} rather than at the beginning.", file.IntervalStart)));
                }

                return problems;
            }

            if (await store.ReadAsync(bucket, link.Key, cancellationToken) is not { } before)
            {
                problems.Add(new(IntegrityProblemKind.BrokenChain, key, null, null, new Phrase("The previous digest it names, {0}, is gone.", link.Key)));
                return problems;
            }

            previous = (link.Key, Convert.ToHexStringLower(SHA256.HashData(before.Bytes)), DigestFile.TryParse(before.Bytes));
        }

        var (previousKey, previousSha, previousFile) = previous.Value;
        if (file.Previous is not { } named)
        {
            problems.Add(new(IntegrityProblemKind.BrokenChain, key, null, null, new Phrase("The digest names no previous digest, though {0} comes before it.", previousKey)));
        }
        else if (named.Key != previousKey)
        {
            problems.Add(new(IntegrityProblemKind.BrokenChain, key, null, null, new Phrase("The digest names {0} as the one before it, but the bucket has {1} there.", named.Key, previousKey)));
        }
        else if (previousSha is not null && !string.Equals(named.Sha256, previousSha, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(IntegrityProblemKind.BrokenChain, key, null, null, new Phrase("The previous digest {0} is not the one this digest chained to: its SHA-256 is {1}, not {2}.", previousKey, previousSha, named.Sha256)));
        }

        if (previousFile is not null && previousFile.IntervalEnd != file.IntervalStart)
        {
            problems.Add(new(IntegrityProblemKind.Gap, key, null, null, new Phrase("Nothing covers {0:O} to {1:O}.", previousFile.IntervalEnd, file.IntervalStart)));
        }

        return problems;
    }

    private async Task<(IReadOnlyList<IntegrityProblem> Problems, long Bytes)> CheckObjectsAsync(string bucket, string key, DigestFile file, CancellationToken cancellationToken)
    {
        var found = new IntegrityProblem?[file.Objects.Count];
        long bytes = 0;
        await Parallel.ForAsync(0, file.Objects.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var item = file.Objects[i];
            var hash = await store.HashAsync(bucket, item.Key, item.VersionId, ct);
            if (hash is null)
            {
                found[i] = new(IntegrityProblemKind.Missing, key, item.Key, item.VersionId, new Phrase("The version this digest lists is gone from the bucket."));
                return;
            }

            Interlocked.Add(ref bytes, hash.Value.Size);
            if (!string.Equals(hash.Value.Sha256, item.Sha256, StringComparison.OrdinalIgnoreCase) || hash.Value.Size != item.Size)
            {
                found[i] = new(IntegrityProblemKind.Changed, key, item.Key, item.VersionId, new Phrase("Its bytes now hash to {0} ({1} bytes); the digest says {2} ({3} bytes).", hash.Value.Sha256, hash.Value.Size, item.Sha256, item.Size));
            }
        });
        return (found.OfType<IntegrityProblem>().ToList(), bytes);
    }

    private static byte[]? TryHex(string? hex)
    {
        if (string.IsNullOrEmpty(hex) || hex.Length % 2 != 0)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

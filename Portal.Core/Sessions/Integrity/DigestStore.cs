using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions.Integrity;

/// <summary>A digest object as S3 lists it.</summary>
/// <param name="Key">The digest's key.</param>
/// <param name="End">The interval end its key names.</param>
/// <param name="Versions">Versions and delete markers S3 holds for the key: more than one means it was written over or deleted.</param>
/// <param name="Deleted">Its newest version is a delete marker.</param>
internal sealed record DigestEntry(string Key, DateTimeOffset End, int Versions, bool Deleted);

/// <summary>A digest's bytes and the signature in its metadata.</summary>
internal sealed record StoredDigest(string Key, byte[] Bytes, string? SignatureHex, string? Algorithm);

/// <summary>An object version under the transcripts' prefix, as S3 lists it.</summary>
internal sealed record ObjectVersion(string Key, string VersionId, long Size, DateTimeOffset LastModified);

/// <summary>The S3 side of digests: listing and reading them, writing one, and hashing transcript versions.</summary>
internal sealed class DigestStore(IAmazonS3 s3)
{
    /// <summary>Digests whose key sorts after <paramref name="startAfter"/> (all of them when null), oldest first.</summary>
    public async IAsyncEnumerable<DigestEntry> ListAsync(string bucket, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var group in GroupedVersionsAsync(bucket, DigestFile.KeyPrefix, startAfter, cancellationToken))
        {
            if (DigestFile.EndOf(group.Key) is { } end)
            {
                yield return new DigestEntry(group.Key, end, group.Versions.Count, group.Versions[0].IsDeleteMarker == true);
            }
        }
    }

    /// <summary>Every version under <paramref name="prefix"/> with content (delete markers left out).</summary>
    public async IAsyncEnumerable<ObjectVersion> ObjectVersionsAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var group in GroupedVersionsAsync(bucket, prefix, null, cancellationToken))
        {
            foreach (var version in group.Versions.Where(v => v.IsDeleteMarker != true && v.LastModified is not null))
            {
                yield return new ObjectVersion(version.Key, version.VersionId ?? "null", version.Size ?? 0, new DateTimeOffset(version.LastModified!.Value.ToUniversalTime(), TimeSpan.Zero));
            }
        }
    }

    /// <summary>The digest's newest bytes and signature, or <see langword="null"/> when the key holds none.</summary>
    public Task<StoredDigest?> ReadAsync(string bucket, string key, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "s3",
            "GetObject",
            async () =>
            {
                try
                {
                    using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
                    using var buffer = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
                    return new StoredDigest(key, buffer.ToArray(), response.Metadata[DigestFile.SignatureMetadata], response.Metadata[DigestFile.AlgorithmMetadata]);
                }
                catch (AmazonS3Exception ex) when (IsMissing(ex))
                {
                    return null;
                }
            },
            $"The portal may not read {key} in {bucket}: its role needs s3:GetObject on {DigestFile.KeyPrefix}*.");

    /// <summary>
    /// Writes a digest only if its key is free (If-None-Match), so two replicas never write one interval twice.
    /// Returns false when another writer got there first.
    /// </summary>
    public Task<bool> WriteAsync(string bucket, string key, byte[] bytes, string signatureHex, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "s3",
            "PutObject",
            async () =>
            {
                try
                {
                    using var body = new MemoryStream(bytes, writable: false);
                    var request = new PutObjectRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        InputStream = body,
                        ContentType = "application/json",
                        IfNoneMatch = "*",
                    };
                    request.Metadata[DigestFile.SignatureMetadata] = signatureHex;
                    request.Metadata[DigestFile.AlgorithmMetadata] = DigestFile.Algorithm;
                    await s3.PutObjectAsync(request, cancellationToken);
                    return true;
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed || ex.ErrorCode is "PreconditionFailed" or "ConditionalRequestConflict")
                {
                    return false;
                }
            },
            $"The portal may not write {key} in {bucket}: its role needs s3:PutObject on {DigestFile.KeyPrefix}*.");

    /// <summary>The SHA-256 (hex) and length of one version's bytes, or <see langword="null"/> when the version is gone.</summary>
    public Task<(string Sha256, long Size)?> HashAsync(string bucket, string key, string versionId, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "s3",
            "GetObject",
            async () =>
            {
                try
                {
                    using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken);
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[81920];
                    long size = 0;
                    int read;
                    while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        size += read;
                    }

                    return ((string Sha256, long Size)?)(Convert.ToHexStringLower(hash.GetHashAndReset()), size);
                }
                catch (AmazonS3Exception ex) when (IsMissing(ex))
                {
                    return null;
                }
            },
            $"The portal may not read {key} in {bucket}: its role needs s3:GetObject and s3:GetObjectVersion on the transcripts.");

    private static bool IsMissing(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode is "NoSuchKey" or "NoSuchVersion" or "NotFound";

    /// <summary>A key's versions, newest first as S3 lists them, put together across pages.</summary>
    private async IAsyncEnumerable<(string Key, List<S3ObjectVersion> Versions)> GroupedVersionsAsync(string bucket, string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix, KeyMarker = startAfter, MaxKeys = 1000 };
        string? key = null;
        var versions = new List<S3ObjectVersion>();
        while (true)
        {
            var page = await AwsSdkCall.RunAsync(
                "s3",
                "ListObjectVersions",
                () => s3.ListVersionsAsync(request, cancellationToken),
                $"The portal may not list {bucket}/{prefix}: its role needs s3:ListBucketVersions on the bucket.");
            foreach (var version in page.Versions ?? [])
            {
                if (version.Key != key && key is not null)
                {
                    yield return (key, versions);
                    versions = [];
                }

                key = version.Key;
                versions.Add(version);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }

        if (key is not null)
        {
            yield return (key, versions);
        }
    }
}

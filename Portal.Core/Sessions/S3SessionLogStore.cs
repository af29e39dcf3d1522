using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

/// <summary>
/// Lists transcripts by their versions (ListObjectVersions), so that each session is known by the first version the
/// agent wrote, however often the object was written or deleted since: a bastion's role can overwrite transcripts, and
/// the portal must not take the newest object for the record.
/// </summary>
internal sealed class S3SessionLogStore(IAmazonS3 s3, ISessionLogLocation location) : ISessionLogStore
{
    /// <summary>Separates the key and version markers in a page token (neither may hold it).</summary>
    private const char MarkerSeparator = '\u001f';

    public async Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000); // 1000 is S3's page limit.
        var source = await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No session-log bucket is set up (the setup wizard) or configured (Portal:Sessions:Bucket).");
        var (bucket, prefix) = (source.Bucket, source.Prefix);
        var (keyMarker, versionMarker) = continuationToken?.Split(MarkerSeparator) is [var k, var v] ? (k, v) : (continuationToken, null);
        return await AwsSdkCall.RunAsync(
            "s3",
            "ListObjectVersions",
            async () =>
            {
                var page = await s3.ListVersionsAsync(
                    new ListVersionsRequest { BucketName = bucket, Prefix = prefix, MaxKeys = pageSize, KeyMarker = keyMarker, VersionIdMarker = string.IsNullOrEmpty(versionMarker) ? null : versionMarker },
                    cancellationToken);
                var items = (page.Versions ?? [])
                    .GroupBy(v => v.Key, StringComparer.Ordinal)
                    .Select(Summarise)
                    .OfType<SessionLogObject>()
                    .ToList();
                var next = page.IsTruncated == true ? $"{page.NextKeyMarker}{MarkerSeparator}{page.NextVersionIdMarker}" : null;
                return new SessionLogPage(items, next);
            },
            $"The portal may not list {source}: its role needs s3:ListBucket and s3:ListBucketVersions on the bucket.");
    }

    /// <summary>
    /// Merges what two pages said of one key (S3 may split a key's versions across pages): the older first version
    /// stands, the counts add up.
    /// </summary>
    public static SessionLogObject Merge(SessionLogObject a, SessionLogObject b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        // S3 lists a key's versions newest first, so the later page holds the older ones; LastModified has whole
        // seconds only and cannot order two writes within one.
        var first = b.VersionId is null ? a : a.VersionId is null ? b : a.LastModified < b.LastModified ? a : b;
        var versions = a.Versions + b.Versions;
        return first with { Versions = versions, Altered = a.Altered || b.Altered || versions > 1 };
    }

    /// <summary>
    /// One key's versions in a page as the key's first version; none for a key that is not a transcript. Delete markers
    /// alone (S3 lists a key's newest versions first, so they may end a page) come back without a version id, to be
    /// merged with the content on the next page, or dropped as a transcript that is gone.
    /// </summary>
    private static SessionLogObject? Summarise(IGrouping<string, S3ObjectVersion> versions)
    {
        var all = versions.ToList();

        // Newest first, as S3 lists them: the last one with content is the first the agent wrote.
        var first = all.LastOrDefault(v => v.IsDeleteMarker != true);
        if (first is null)
        {
            return SessionLogObject.FromKey(versions.Key, 0, null) is { } deleted ? deleted with { Versions = all.Count, Altered = true } : null;
        }

        var lastModified = first.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : (DateTimeOffset?)null;
        return SessionLogObject.FromKey(first.Key, first.Size ?? 0, lastModified, first.ETag) is { } item
            ? item with { VersionId = first.VersionId, Versions = all.Count, Altered = all.Count > 1 }
            : null;
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

internal sealed class S3SessionLogStore(IAmazonS3 s3, ISessionLogLocation location) : ISessionLogStore
{
    public async Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000); // 1000 is S3's page limit.
        var source = await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No session-log bucket is set up (the setup wizard) or configured (Portal:Sessions:Bucket).");
        var (bucket, prefix) = (source.Bucket, source.Prefix);
        return await AwsSdkCall.RunAsync(
            "s3",
            "ListObjectsV2",
            async () =>
            {
                var page = await s3.ListObjectsV2Async(
                    new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = pageSize, ContinuationToken = continuationToken },
                    cancellationToken);
                var items = (page.S3Objects ?? [])
                    .Select(o => SessionLogObject.FromKey(o.Key, o.Size ?? 0, o.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null, o.ETag))
                    .OfType<SessionLogObject>()
                    .ToList();
                return new SessionLogPage(items, page.IsTruncated == true ? page.NextContinuationToken : null);
            },
            $"The portal may not list {source}: its role needs s3:ListBucket on the bucket.");
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

internal sealed class S3SessionLogStore(IAmazonS3 s3, IOptions<SessionLogOptions> options) : ISessionLogStore
{
    public string? Bucket => string.IsNullOrWhiteSpace(options.Value.Bucket) ? null : options.Value.Bucket;

    public async Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000); // 1000 is S3's page limit.
        var bucket = Bucket ?? throw new InvalidOperationException("No session-log bucket is configured (Portal:Sessions:Bucket).");
        return await AwsSdkCall.RunAsync(
            "s3",
            "ListObjectsV2",
            async () =>
            {
                var page = await s3.ListObjectsV2Async(
                    new ListObjectsV2Request { BucketName = bucket, Prefix = options.Value.Prefix, MaxKeys = pageSize, ContinuationToken = continuationToken },
                    cancellationToken);
                var items = (page.S3Objects ?? [])
                    .Select(o => SessionLogObject.FromKey(o.Key, o.Size ?? 0, o.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null, o.ETag))
                    .OfType<SessionLogObject>()
                    .ToList();
                return new SessionLogPage(items, page.IsTruncated == true ? page.NextContinuationToken : null);
            },
            $"The portal may not list s3://{bucket}/{options.Value.Prefix}: its role needs s3:ListBucket on the bucket.");
    }
}

namespace Portal.Core.Sessions;

/// <summary>Reads transcripts from the configured log bucket.</summary>
public interface ISessionLogStore
{
    /// <summary>Lists one page of <c>.log</c> objects under the prefix; other objects are skipped.</summary>
    /// <exception cref="Aws.AwsApiException">S3 refused the listing (AccessDenied names <c>s3:ListBucket</c>).</exception>
    Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default);
}

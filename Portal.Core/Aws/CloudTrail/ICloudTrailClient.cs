namespace Portal.Core.Aws.CloudTrail;

/// <summary>
/// The CloudTrail operations the portal uses, over JSON 1.1; shaped after AWSSDK.CloudTrail's <c>IAmazonCloudTrail</c>.
/// Failures throw <see cref="AwsApiException"/>.
/// </summary>
public interface ICloudTrailClient
{
    /// <summary>DescribeTrails, including shadow trails of multi-region trails from other regions.</summary>
    /// <exception cref="AwsApiException">CloudTrail refused the call.</exception>
    Task<IReadOnlyList<CloudTrailTrail>> DescribeTrailsAsync(CancellationToken cancellationToken = default);

    /// <summary>GetTrailStatus: whether the trail is logging; <see langword="null"/> when there is no such trail.</summary>
    Task<bool?> IsLoggingAsync(string trailNameOrArn, CancellationToken cancellationToken = default);

    /// <summary>CreateTrail writing to a bucket; returns the trail.</summary>
    Task<CloudTrailTrail> CreateTrailAsync(string name, string s3BucketName, bool isMultiRegionTrail, CancellationToken cancellationToken = default);

    /// <summary>GetEventSelectors: what the trail logs.</summary>
    Task<TrailEventSelectors> GetEventSelectorsAsync(string trailNameOrArn, CancellationToken cancellationToken = default);

    /// <summary>PutEventSelectors: the trail logs every management event, read and write (CloudTrail's default).</summary>
    Task LogAllManagementEventsAsync(string trailNameOrArn, CancellationToken cancellationToken = default);

    /// <summary>StartLogging.</summary>
    Task StartLoggingAsync(string trailNameOrArn, CancellationToken cancellationToken = default);

    /// <summary>
    /// LookupEvents by event name in [<paramref name="startTime"/>, <paramref name="endTime"/>], newest first, every page
    /// up to <paramref name="maxEvents"/>. CloudTrail keeps 90 days of management events without a trail and answers
    /// about two calls a second per account; throttled calls are retried.
    /// </summary>
    Task<IReadOnlyList<TrailEvent>> LookupEventsAsync(string eventName, DateTimeOffset startTime, DateTimeOffset endTime, int maxEvents = 10_000, CancellationToken cancellationToken = default);
}

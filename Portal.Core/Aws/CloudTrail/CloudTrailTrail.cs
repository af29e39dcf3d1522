namespace Portal.Core.Aws.CloudTrail;

/// <summary>A CloudTrail trail as DescribeTrails shows it.</summary>
public sealed record CloudTrailTrail(string Name, string TrailArn, string HomeRegion, string? S3BucketName, bool IsMultiRegionTrail);

/// <summary>One management event from CloudTrail's event history (LookupEvents), as AWSSDK.CloudTrail's <c>Event</c>.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="EventName">The API call, for example <c>StartSession</c>.</param>
/// <param name="EventTime">When it was made.</param>
/// <param name="Username">Who made it, as CloudTrail names them.</param>
/// <param name="CloudTrailEvent">The whole event record as JSON (userIdentity, requestParameters, responseElements, errorCode...).</param>
public sealed record TrailEvent(string EventId, string EventName, DateTimeOffset EventTime, string? Username, string CloudTrailEvent);

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

/// <summary>What a trail logs (GetEventSelectors): basic selectors or advanced ones.</summary>
/// <param name="EventSelectors">Basic selectors: read/write type and whether management events are in.</param>
/// <param name="AdvancedEventSelectors">Advanced selectors: fields with the values they take or leave out.</param>
public sealed record TrailEventSelectors(IReadOnlyList<TrailEventSelector> EventSelectors, IReadOnlyList<TrailAdvancedEventSelector> AdvancedEventSelectors)
{
    /// <summary>
    /// Whether Session Manager's StartSession (a write management event from ssm.amazonaws.com) is logged, so that
    /// EventBridge sees it. A trail that reports no selectors logs CloudTrail's default, every management event.
    /// </summary>
    public bool LogsSessionManagerWrites =>
        (EventSelectors.Count == 0 && AdvancedEventSelectors.Count == 0)
        || EventSelectors.Any(s => s.IncludeManagementEvents && s.ReadWriteType is "All" or "WriteOnly")
        || AdvancedEventSelectors.Any(s => s.Takes("eventCategory", "Management") && s.Takes("readOnly", "false") && s.Takes("eventSource", "ssm.amazonaws.com"));
}

/// <summary>A basic event selector.</summary>
public sealed record TrailEventSelector(string ReadWriteType, bool IncludeManagementEvents);

/// <summary>An advanced event selector.</summary>
public sealed record TrailAdvancedEventSelector(string? Name, IReadOnlyList<TrailFieldSelector> FieldSelectors)
{
    /// <summary>Whether events whose <paramref name="field"/> is <paramref name="value"/> pass this selector's condition on that field.</summary>
    public bool Takes(string field, string value) => FieldSelectors.Where(f => f.Field == field).All(f => f.Passes(value));
}

/// <summary>One field condition of an advanced selector (Equals, NotEquals, StartsWith, NotStartsWith...).</summary>
public sealed record TrailFieldSelector(string Field, IReadOnlyList<string> EqualTo, IReadOnlyList<string> NotEqualTo, IReadOnlyList<string> StartsWith, IReadOnlyList<string> NotStartsWith)
{
    /// <summary>Whether a value meets every condition given.</summary>
    public bool Passes(string value) =>
        (EqualTo.Count == 0 || EqualTo.Contains(value))
        && !NotEqualTo.Contains(value)
        && (StartsWith.Count == 0 || StartsWith.Any(p => value.StartsWith(p, StringComparison.Ordinal)))
        && !NotStartsWith.Any(p => value.StartsWith(p, StringComparison.Ordinal));
}

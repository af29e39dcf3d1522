using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Core.Aws.Protocols;

namespace Portal.Core.Aws.CloudTrail;

/// <summary>CloudTrail over JSON 1.1 (target prefix <c>com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101</c>).</summary>
internal sealed class CloudTrailClient(AwsJsonClient json, IOptions<PortalAwsOptions> options) : ICloudTrailClient
{
    private const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

    private readonly AwsServiceEndpoint _endpoint = AwsServiceEndpoint.For("cloudtrail", options.Value);

    public async Task<IReadOnlyList<CloudTrailTrail>> DescribeTrailsAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("DescribeTrails", new JsonObject { ["includeShadowTrails"] = true }, cancellationToken);
        return [.. (result["trailList"] as JsonArray ?? []).OfType<JsonObject>().Select(ToTrail)];
    }

    public async Task<bool?> IsLoggingAsync(string trailNameOrArn, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await CallAsync("GetTrailStatus", new JsonObject { ["Name"] = trailNameOrArn }, cancellationToken);
            return (bool?)result["IsLogging"] ?? false;
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "TrailNotFoundException")
        {
            return null;
        }
    }

    public async Task<CloudTrailTrail> CreateTrailAsync(string name, string s3BucketName, bool isMultiRegionTrail, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["Name"] = name, ["S3BucketName"] = s3BucketName, ["IsMultiRegionTrail"] = isMultiRegionTrail };
        var result = await CallAsync("CreateTrail", request, cancellationToken);
        return new CloudTrailTrail((string?)result["Name"] ?? name, (string?)result["TrailARN"] ?? string.Empty, _endpoint.SigningRegion, (string?)result["S3BucketName"] ?? s3BucketName, (bool?)result["IsMultiRegionTrail"] ?? isMultiRegionTrail);
    }

    public async Task<TrailEventSelectors> GetEventSelectorsAsync(string trailNameOrArn, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("GetEventSelectors", new JsonObject { ["TrailName"] = trailNameOrArn }, cancellationToken);
        static IReadOnlyList<string> Values(JsonNode? node) => [.. (node as JsonArray ?? []).Select(v => (string?)v).OfType<string>()];
        return new TrailEventSelectors(
            [.. (result["EventSelectors"] as JsonArray ?? []).OfType<JsonObject>().Select(s => new TrailEventSelector((string?)s["ReadWriteType"] ?? "All", (bool?)s["IncludeManagementEvents"] ?? true))],
            [.. (result["AdvancedEventSelectors"] as JsonArray ?? []).OfType<JsonObject>().Select(s => new TrailAdvancedEventSelector(
                (string?)s["Name"],
                [.. (s["FieldSelectors"] as JsonArray ?? []).OfType<JsonObject>().Select(f => new TrailFieldSelector(
                    (string?)f["Field"] ?? string.Empty, Values(f["Equals"]), Values(f["NotEquals"]), Values(f["StartsWith"]), Values(f["NotStartsWith"])))]))]);
    }

    public Task LogAllManagementEventsAsync(string trailNameOrArn, CancellationToken cancellationToken = default) =>
        CallAsync(
            "PutEventSelectors",
            new JsonObject
            {
                ["TrailName"] = trailNameOrArn,
                ["EventSelectors"] = new JsonArray(new JsonObject { ["ReadWriteType"] = "All", ["IncludeManagementEvents"] = true }),
            },
            cancellationToken);

    public Task StartLoggingAsync(string trailNameOrArn, CancellationToken cancellationToken = default) =>
        CallAsync("StartLogging", new JsonObject { ["Name"] = trailNameOrArn }, cancellationToken);

    public async Task<IReadOnlyList<TrailEvent>> LookupEventsAsync(string eventName, DateTimeOffset startTime, DateTimeOffset endTime, int maxEvents = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var events = new List<TrailEvent>();
        string? token = null;
        do
        {
            var request = new JsonObject
            {
                ["LookupAttributes"] = new JsonArray(new JsonObject { ["AttributeKey"] = "EventName", ["AttributeValue"] = eventName }),
                ["StartTime"] = startTime.ToUnixTimeMilliseconds() / 1000.0,
                ["EndTime"] = endTime.ToUnixTimeMilliseconds() / 1000.0,
                ["MaxResults"] = Math.Min(50, maxEvents - events.Count),
            };
            if (token is not null)
            {
                request["NextToken"] = token;
            }

            var result = await CallAsync("LookupEvents", request, cancellationToken);
            foreach (var item in (result["Events"] as JsonArray ?? []).OfType<JsonObject>())
            {
                events.Add(new TrailEvent(
                    (string?)item["EventId"] ?? string.Empty,
                    (string?)item["EventName"] ?? eventName,
                    DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(((double?)item["EventTime"] ?? 0) * 1000)),
                    (string?)item["Username"],
                    (string?)item["CloudTrailEvent"] ?? "{}"));
            }

            token = (string?)result["NextToken"];
        }
        while (token is not null && events.Count < maxEvents);

        return events;
    }

    private CloudTrailTrail ToTrail(JsonObject t) => new(
        (string?)t["Name"] ?? string.Empty,
        (string?)t["TrailARN"] ?? string.Empty,
        (string?)t["HomeRegion"] ?? _endpoint.SigningRegion,
        (string?)t["S3BucketName"],
        (bool?)t["IsMultiRegionTrail"] ?? false);

    private Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
        json.CallAsync(_endpoint, TargetPrefix, operation, request, cancellationToken);
}

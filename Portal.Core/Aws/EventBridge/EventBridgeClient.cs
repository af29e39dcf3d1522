using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Core.Aws.Protocols;

namespace Portal.Core.Aws.EventBridge;

/// <summary>EventBridge over JSON 1.1 (target prefix <c>AWSEvents</c>).</summary>
internal sealed class EventBridgeClient(AwsJsonClient json, IOptions<PortalAwsOptions> options) : IEventBridgeClient
{
    private const string TargetPrefix = "AWSEvents";

    private readonly AwsServiceEndpoint _endpoint = AwsServiceEndpoint.For("events", options.Value);

    public async Task<string> PutRuleAsync(string name, string eventPattern, string? description = null, bool enabled = true, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject
        {
            ["Name"] = name,
            ["EventPattern"] = eventPattern,
            ["State"] = enabled ? "ENABLED" : "DISABLED",
        };
        if (description is not null)
        {
            request["Description"] = description;
        }

        var result = await CallAsync("PutRule", request, cancellationToken);
        return (string?)result["RuleArn"] ?? throw new FormatException("PutRule answered without RuleArn.");
    }

    public async Task<EventRule?> DescribeRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var r = await CallAsync("DescribeRule", new JsonObject { ["Name"] = name }, cancellationToken);
            return new EventRule((string?)r["Name"] ?? name, (string?)r["Arn"] ?? string.Empty, (string?)r["EventPattern"], (string?)r["State"] ?? "ENABLED", (string?)r["Description"]);
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "ResourceNotFoundException")
        {
            return null;
        }
    }

    public async Task PutTargetsAsync(string rule, IEnumerable<EventTarget> targets, CancellationToken cancellationToken = default)
    {
        var list = new JsonArray();
        foreach (var target in targets)
        {
            var item = new JsonObject { ["Id"] = target.Id, ["Arn"] = target.Arn };
            if (target.InputTransformer is { } transformer)
            {
                var paths = new JsonObject();
                foreach (var (key, path) in transformer.InputPathsMap)
                {
                    paths[key] = path;
                }

                item["InputTransformer"] = new JsonObject { ["InputPathsMap"] = paths, ["InputTemplate"] = transformer.InputTemplate };
            }

            list.Add(item);
        }

        var result = await CallAsync("PutTargets", new JsonObject { ["Rule"] = rule, ["Targets"] = list }, cancellationToken);
        if ((int?)result["FailedEntryCount"] is > 0 && result["FailedEntries"] is JsonArray { Count: > 0 } failed && failed[0] is JsonObject first)
        {
            throw new AwsApiException("events", "PutTargets", (string?)first["ErrorCode"] ?? "FailedEntry", (string?)first["ErrorMessage"] ?? $"Target {(string?)first["TargetId"]} was refused.");
        }
    }

    public async Task<IReadOnlyList<EventTarget>> ListTargetsByRuleAsync(string rule, CancellationToken cancellationToken = default)
    {
        var targets = new List<EventTarget>();
        string? next = null;
        do
        {
            var request = new JsonObject { ["Rule"] = rule };
            if (next is not null)
            {
                request["NextToken"] = next;
            }

            var result = await CallAsync("ListTargetsByRule", request, cancellationToken);
            foreach (var t in result["Targets"] as JsonArray ?? [])
            {
                if (t is not JsonObject target)
                {
                    continue;
                }

                EventInputTransformer? transformer = null;
                if (target["InputTransformer"] is JsonObject it)
                {
                    var paths = (it["InputPathsMap"] as JsonObject ?? []).ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal);
                    transformer = new EventInputTransformer(paths, (string?)it["InputTemplate"] ?? string.Empty);
                }

                targets.Add(new EventTarget((string?)target["Id"] ?? string.Empty, (string?)target["Arn"] ?? string.Empty, transformer));
            }

            next = (string?)result["NextToken"];
        }
        while (!string.IsNullOrEmpty(next));

        return targets;
    }

    private Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
        json.CallAsync(_endpoint, TargetPrefix, operation, request, cancellationToken);
}

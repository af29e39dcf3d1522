using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Aws.Protocols;

/// <summary>
/// The AWS JSON 1.1 protocol (EventBridge, CloudTrail): a JSON POST naming the operation in <c>X-Amz-Target</c>,
/// a JSON answer, and <c>__type</c> with <c>message</c> on failure.
/// </summary>
internal sealed class AwsJsonClient(AwsRequestSender sender)
{
    public async Task<JsonObject> CallAsync(AwsServiceEndpoint endpoint, string targetPrefix, string operation, JsonObject request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{targetPrefix}.{operation}" };
        var text = await sender.SendAsync(
            endpoint,
            operation,
            JsonSerializer.SerializeToUtf8Bytes(request),
            "application/x-amz-json-1.1",
            headers,
            ParseError,
            cancellationToken);

        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    internal static (string Code, string Message, string? RequestId) ParseError(HttpStatusCode status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject error)
            {
                var type = (string?)error["__type"] ?? (string?)error["code"];
                if (type is not null)
                {
                    // "__type" may be namespaced: "com.amazonaws.events#ResourceNotFoundException".
                    var code = type[(type.LastIndexOf('#') + 1)..];
                    var message = (string?)error["message"] ?? (string?)error["Message"] ?? string.Empty;
                    return (code, message, null);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the status code.
        }

        return ($"Http{(int)status}", body.Length <= 200 ? body : body[..200], null);
    }
}

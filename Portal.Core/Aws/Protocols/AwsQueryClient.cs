using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Portal.Core.Aws.Protocols;

/// <summary>
/// The AWS Query protocol (IAM, SNS): a form-encoded POST with <c>Action</c> and <c>Version</c>, an XML answer whose
/// <c>&lt;ActionResult&gt;</c> element holds the result, and an <c>&lt;ErrorResponse&gt;</c> on failure.
/// </summary>
internal sealed class AwsQueryClient(AwsRequestSender sender)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>Calls <paramref name="action"/> and returns its result element (empty when the action returns none).</summary>
    public async Task<XElement> CallAsync(AwsServiceEndpoint endpoint, string version, string action, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var form = new StringBuilder();
        form.Append("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var (name, value) in parameters.Fields)
        {
            form.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var text = await sender.SendAsync(
            endpoint,
            action,
            Encoding.UTF8.GetBytes(form.ToString()),
            "application/x-www-form-urlencoded; charset=utf-8",
            NoHeaders,
            ParseError,
            cancellationToken);

        var root = XDocument.Parse(text).Root ?? throw new AwsApiException(endpoint.Service, action, "InvalidResponse", "The response was empty.");
        return root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? new XElement(action + "Result");
    }

    internal static (string Code, string Message, string? RequestId) ParseError(HttpStatusCode status, string body)
    {
        try
        {
            var root = XDocument.Parse(body).Root;
            var error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Child("Code");
            if (code is not null)
            {
                return (code, error!.Child("Message") ?? string.Empty, root!.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value);
            }
        }
        catch (System.Xml.XmlException)
        {
            // Not XML (a proxy's HTML page, for example): fall through to the status code.
        }

        return ($"Http{(int)status}", Truncate(body), null);
    }

    private static string Truncate(string body) => body.Length <= 200 ? body : body[..200];
}

using System.Globalization;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Web.Api;

/// <summary>The HTML export of a rendered transcript: its metadata, then its pre-encoded rows.</summary>
internal static class TranscriptExport
{
    public static Task WriteHtmlAsync(TextWriter writer, RenderedTranscript transcript, CancellationToken cancellationToken)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("Session", transcript.SessionId),
            new("S3 key", transcript.Key),
            new("Size", transcript.Size.ToString("N0", CultureInfo.InvariantCulture) + " bytes"),
            new("ETag", transcript.ETag ?? "-"),
            new("Stored", transcript.LastModified?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
            new("Header", transcript.Header ?? "(none)"),
            new("Footer", transcript.Footer ?? "(none: the transcript was cut short)"),
            new("Width", transcript.Columns.ToString(CultureInfo.InvariantCulture) + " columns"),
        };
        return TerminalHtml.WriteDocumentAsync(writer, $"Session {transcript.SessionId}", metadata, transcript.Document, cancellationToken);
    }
}

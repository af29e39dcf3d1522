using System.Globalization;
using System.Text;
using Portal.Core.Sessions.Redaction;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>A rendered transcript written out: logical lines as text, or a self-contained HTML page.</summary>
public static class TranscriptExport
{
    /// <summary>
    /// The logical lines, one per line, written as they are made: a transcript of millions of lines is never one string.
    /// With <paramref name="masker"/>, secrets are masked.
    /// </summary>
    public static async Task WriteTextAsync(TextWriter writer, RenderedTranscript transcript, SecretMasker? masker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(transcript);
        if (masker is { Enabled: true })
        {
            var redacted = new RedactedDocument(transcript.Document, masker);
            for (var i = 0; i < transcript.Document.LineCount; i++)
            {
                await writer.WriteAsync(redacted.LineText(i).AsMemory(), cancellationToken);
                await writer.WriteAsync('\n');
            }

            return;
        }

        var scratch = new StringBuilder();
        var buffer = new char[256];
        for (var i = 0; i < transcript.Document.LineCount; i++)
        {
            var length = transcript.Document.LineText(i, scratch, ref buffer).Length;
            await writer.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            await writer.WriteAsync('\n');
        }
    }

    /// <summary>
    /// The transcript's metadata, then its pre-encoded rows, in one page that loads nothing (CSP <c>default-src 'none'</c>).
    /// With <paramref name="masker"/>, secrets are masked, and the page says so.
    /// </summary>
    public static Task WriteHtmlAsync(TextWriter writer, RenderedTranscript transcript, SecretMasker? masker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("Session", transcript.SessionId),
            new("S3 key", transcript.Key),
            new("Size", transcript.Size.ToString("N0", CultureInfo.InvariantCulture) + " bytes"),
            new("ETag", transcript.ETag ?? "-"),
            new("Version", transcript.VersionId ?? "-"),
            new("Integrity", transcript.Integrity.ToString().ToLowerInvariant()),
            new("Stored", transcript.LastModified?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
            new("Header", transcript.Header ?? "(none)"),
            new("Footer", transcript.Footer ?? "(none: the transcript was cut short)"),
            new("Terminal", string.Create(CultureInfo.InvariantCulture, $"{transcript.Columns} x {transcript.Document.Rows}")),
            new("Secrets", masker is { Enabled: true } ? "masked (keys, tokens, passwords); the raw download and evidence bundle are byte for byte" : "shown as typed"),
        };
        var redacted = masker is { Enabled: true } ? new RedactedDocument(transcript.Document, masker) : null;
        return TerminalHtml.WriteDocumentAsync(writer, $"Session {transcript.SessionId}", metadata, transcript.Document, redacted is null ? null : redacted.WriteRowHtml, cancellationToken);
    }
}

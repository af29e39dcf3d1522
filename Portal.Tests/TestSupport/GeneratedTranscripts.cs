using Portal.Core.Sandbox;
using Portal.Core.Sessions;

namespace Portal.Tests.TestSupport;

/// <summary>Generated transcripts as the indexer reads them, and their lines as the portal renders them.</summary>
internal static class GeneratedTranscripts
{
    /// <summary>The object S3 would hand the indexer: its own ETag, uploaded five seconds after the session ended.</summary>
    public static TranscriptContent Content(GeneratedTranscript t) =>
        new($"sessionmanager/{t.SessionId}.log", t.Content, t.Content.Length, $"\"{t.SessionId}\"", t.EndedAt.AddSeconds(5));

    /// <summary>Its logical lines, for a brute-force reading to compare the index with.</summary>
    public static List<RenderedLine> Lines(GeneratedTranscript t)
    {
        var document = TranscriptRender.Render(t.Content, null).Document;
        return [.. Enumerable.Range(0, document.LineCount).Select(i => new RenderedLine(document.LineText(i), document.LineKind(i), document.LineFirstRow(i)))];
    }
}

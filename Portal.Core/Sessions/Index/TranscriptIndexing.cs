using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Index;

/// <summary>Turns one transcript object into what the index stores: render once, then commands, flags, lines and trigrams.</summary>
internal sealed partial class TranscriptIndexing(ICommandExtractor commands, IReadOnlyList<string> flagOrder, RenderBudget? budget = null)
{
    /// <summary>
    /// Indexes one object; a transcript that cannot be rendered still gets a row that says why, and so is not tried
    /// again.
    /// </summary>
    /// <exception cref="RenderBudgetExceededException">Every render together had spent the <see cref="RenderBudget"/>: not the transcript's doing, so a later pass indexes it.</exception>
    /// <param name="transcript">The object's bytes (perhaps cut at the limit) and what S3 says of it.</param>
    /// <param name="trigrams">A scratch set, reused by one worker across transcripts.</param>
    /// <param name="history">What Session Manager reported about the session, when it did.</param>
    /// <param name="listed">What the listing said of the object's versions (the content is its first version).</param>
    public IndexedTranscript Index(TranscriptContent transcript, Trigrams trigrams, SessionHistoryEntry? history = null, SessionLogObject? listed = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(trigrams);
        var item = SessionLogObject.FromKey(transcript.Key, transcript.Size, transcript.LastModified)
            ?? throw new ArgumentException($"{transcript.Key} is not a transcript key.", nameof(transcript));
        var truncated = transcript.Size > transcript.Content.Length;
        try
        {
            var render = TranscriptRender.Render(transcript.Content, null, budget);
            var document = render.Document;
            using var release = new Release(document);
            if (document.OverBudget)
            {
                throw new RenderBudgetExceededException();
            }

            // One pass over the lines feeds the commands, the trigram set and the stored pack, making no string
            // per line.
            var found = new List<SessionCommand>();
            trigrams.Clear();
            using var pack = new LinePack(document.LineCount);
            var scratch = new StringBuilder(document.Columns);
            var buffer = new char[document.Columns * 2];
            for (var i = 0; i < document.LineCount; i++)
            {
                var text = document.LineText(i, scratch, ref buffer);
                var (kind, firstRow) = (document.LineKind(i), document.LineFirstRow(i));
                if (commands.FromLine(i, text, kind, firstRow) is { } command)
                {
                    found.Add(command);
                }

                trigrams.AddLine(text);
                pack.Add(text, kind, firstRow);
            }

            var flags = flagOrder.Where(flag => found.Any(c => c.Flags.Contains(flag))).ToList();

            var summary = new SessionSummary(
                item.SessionId,
                item.Key,
                item.Principal,
                history?.Owner,
                history?.Target ?? render.InstanceId,
                history?.StartedAt,
                history?.EndedAt ?? EndOf(render.Document.Footer) ?? EndOf(render.Document.Header) ?? transcript.LastModified,
                transcript.Size,
                transcript.ETag,
                transcript.LastModified,
                found.Count,
                flags,
                document.Title,
                truncated || document.Truncated || trigrams.IsFull,
                null,
                TranscriptIntegrityRules.Judge(listed?.Versions ?? 1, listed?.Altered ?? false, render.Document.Footer is not null, transcript.LastModified, history?.EndedAt),
                listed?.Versions ?? 1);
            return new IndexedTranscript(summary, found, pack.ToArray(), trigrams.Values(), trigrams.Signature());
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException and not RenderBudgetExceededException)
        {
            // One bad object must not stop the others: it is listed, with the reason, and left out of search.
            var summary = new SessionSummary(item.SessionId, item.Key, item.Principal, history?.Owner, history?.Target, history?.StartedAt, history?.EndedAt ?? transcript.LastModified, transcript.Size, transcript.ETag, transcript.LastModified, 0, [], null, truncated, $"Could not render: {ex.Message}", listed?.Altered == true ? TranscriptIntegrity.Modified : TranscriptIntegrity.Truncated, listed?.Versions ?? 1);
            return new IndexedTranscript(summary, [], [], [], []);
        }
    }

    /// <summary>Gives a document's memory back to the budget once its lines are in the index.</summary>
    private readonly struct Release(TranscriptDocument document) : IDisposable
    {
        public void Dispose() => document.Release();
    }

    /// <summary>
    /// The time on a <c>script</c> header or footer line (<c>2025-09-29 16:58:03+00:00</c> or the older
    /// <c>+0000</c>). Both are written when the agent uploads, so this is when the session ended.
    /// </summary>
    internal static DateTimeOffset? EndOf(string? line)
    {
        if (line is null || Stamp().Match(line) is not { Success: true } match)
        {
            return null;
        }

        var offset = match.Groups[2].Success ? match.Groups[2].Value.Replace(":", string.Empty, StringComparison.Ordinal) : "+0000";
        var text = match.Groups[1].Value.Replace('T', ' ') + offset[..3] + ":" + offset[3..];
        return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"^Script (?:started|done) on (\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})([+-]\d{2}:?\d{2})?", RegexOptions.CultureInvariant)]
    private static partial Regex Stamp();
}

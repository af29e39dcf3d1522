using System.Text.RegularExpressions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>
/// One transcript rendered the way every reader of it sees it: the transcript page, the downloads and the search
/// index all go through here, so a line number in a search hit is the line the page shows.
/// </summary>
internal sealed partial class TranscriptRender
{
    private TranscriptRender(TranscriptFile file, TranscriptDocument document, string? instanceId)
    {
        File = file;
        Document = document;
        InstanceId = instanceId;
    }

    // The first piece is small so the first screen is ready at once; later pieces are published as they are done.
    private const int FirstPiece = 64 << 10;
    private const int Piece = 1 << 20;

    public const int MinColumns = 20;

    /// <summary>A render already made, for another reader of it.</summary>
    public static TranscriptRender Of(TranscriptFile file, TranscriptDocument document, string? instanceId) => new(file, document, instanceId);
    public const int MaxColumns = 500;

    public TranscriptFile File { get; }

    /// <summary>The rows and lines an auditor reads, packed.</summary>
    public TranscriptDocument Document { get; }

    /// <summary>The instance the header's <c>script</c> command names, when it names one.</summary>
    public string? InstanceId { get; }

    /// <summary>
    /// Renders <paramref name="content"/> (header, body, footer) at the given width or the detected one, its rows taken
    /// from <paramref name="budget"/> when given (the document gives them back when released or collected).
    /// </summary>
    public static TranscriptRender Render(ReadOnlySpan<byte> content, int? columns, RenderBudget? budget = null)
    {
        CheckColumns(columns);

        var file = TranscriptFile.Parse(content);
        var body = content.Slice(file.BodyOffset, file.BodyLength);
        var terminal = new TerminalEmulator(columns ?? TerminalWidth.Detect(body), 24, budget?.Reserve());
        terminal.Write(body);
        return new TranscriptRender(file, terminal.Finish(), InstanceOf(file.Header));
    }

    /// <summary>
    /// Starts rendering <paramref name="content"/> on a thread of its own and returns at once: the document grows a
    /// piece at a time (what <see cref="Render"/> would give, row for row) and its <see cref="TranscriptDocument.Completion"/>
    /// says when it is whole. The content is held until then.
    /// </summary>
    public static TranscriptRender RenderInBackground(ReadOnlyMemory<byte> content, int? columns, RenderBudget? budget = null)
    {
        CheckColumns(columns);

        var file = TranscriptFile.Parse(content.Span);
        var body = content.Slice(file.BodyOffset, file.BodyLength);
        var terminal = new TerminalEmulator(columns ?? TerminalWidth.Detect(body.Span), 24, budget?.Reserve());
        _ = Task.Factory.StartNew(() => RenderPieces(terminal, body), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return new TranscriptRender(file, terminal.Document, InstanceOf(file.Header));
    }

    private static void RenderPieces(TerminalEmulator terminal, ReadOnlyMemory<byte> body)
    {
        try
        {
            var piece = FirstPiece;
            var total = (double)Math.Max(1, body.Length);
            var done = 0;
            while (done < body.Length && !terminal.IsTruncated)
            {
                var length = Math.Min(piece, body.Length - done);
                terminal.Write(body.Span.Slice(done, length));
                terminal.Publish();
                done += length;
                terminal.Document.ReportProgress(done / total);
                piece = Piece;
            }

            terminal.Finish();
        }
        catch (Exception ex)
        {
            // Whoever reads the document learns of it from its completion; the rows published stay readable.
            terminal.Fail(ex);
        }
    }

    /// <summary>Refuses a width outside <see cref="MinColumns"/> to <see cref="MaxColumns"/>, before anything is downloaded.</summary>
    public static void CheckColumns(int? columns)
    {
        if (columns is < MinColumns or > MaxColumns)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"Choose a width from {MinColumns} to {MaxColumns} columns.");
        }
    }

    /// <summary>
    /// Newer util-linux writes the command <c>script</c> ran into the header, and the agent's path in it names the
    /// instance: <c>cat /var/lib/amazon/ssm/i-0123…/session/orchestration/…</c>.
    /// </summary>
    internal static string? InstanceOf(string? header) =>
        header is not null && InstancePath().Match(header) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"/var/lib/amazon/ssm/((?:i|mi)-[0-9a-f]{8,17})/session/", RegexOptions.CultureInvariant)]
    private static partial Regex InstancePath();
}

using System.Text.RegularExpressions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>
/// One transcript rendered the way every reader of it sees it: the transcript page, the downloads and the search
/// index all go through here, so a line number in a search hit is the line the page shows.
/// </summary>
internal sealed partial class TranscriptRender
{
    private TranscriptRender(TranscriptFile file, TerminalEmulator terminal, List<TranscriptRow> rows, List<(string Text, RowKind Kind, int FirstRow)> lines, string? instanceId)
    {
        File = file;
        Terminal = terminal;
        Rows = rows;
        Lines = lines;
        InstanceId = instanceId;
    }

    public const int MinColumns = 20;
    public const int MaxColumns = 500;

    public TranscriptFile File { get; }

    public TerminalEmulator Terminal { get; }

    /// <summary>Rows an auditor reads, without the empty screen rows below the last output.</summary>
    public List<TranscriptRow> Rows { get; }

    /// <summary>Logical lines of <see cref="Rows"/>.</summary>
    public List<(string Text, RowKind Kind, int FirstRow)> Lines { get; }

    /// <summary>The instance the header's <c>script</c> command names, when it names one.</summary>
    public string? InstanceId { get; }

    /// <summary>Renders <paramref name="content"/> (header, body, footer) at the given width or the detected one.</summary>
    public static TranscriptRender Render(ReadOnlySpan<byte> content, int? columns)
    {
        if (columns is < MinColumns or > MaxColumns)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"Choose a width from {MinColumns} to {MaxColumns} columns.");
        }

        var file = TranscriptFile.Parse(content);
        var body = content.Slice(file.BodyOffset, file.BodyLength);
        var terminal = new TerminalEmulator(columns ?? TerminalWidth.Detect(body), 24);
        terminal.Write(body);

        // The empty screen rows below the last output are the terminal's, not the session's: leave them out.
        var rows = terminal.Transcript().ToList();
        while (rows.Count > 1 && rows[^1].Kind == RowKind.Live && rows[^1].Row.IsBlank)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var lines = terminal.TranscriptLines().Where(l => l.FirstRow < rows.Count).ToList();
        return new TranscriptRender(file, terminal, rows, lines, InstanceOf(file.Header));
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

using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A rendered transcript, packed: every row an auditor reads (live, kept from full-screen programs, wiped by
/// clear), and its logical lines (soft wraps joined). Text and HTML are made per row on demand, so a page shows a
/// transcript of millions of rows by asking only for the rows on screen. Safe to share.
/// While its render runs the document grows: the renderer publishes rows as it goes (<see cref="RowCount"/> and
/// <see cref="LineCount"/> only grow, but for a `clear` that marks published rows as wiped, which can join two lines),
/// and <see cref="Completion"/> finishes when the last row is in; after that it never changes.
/// </summary>
public sealed class TranscriptDocument
{
    private const int LineChunkBits = 14;
    private const int LineChunkSize = 1 << LineChunkBits;

    private readonly RowStore _rows;
    private readonly Dictionary<int, string> _css = [];
    private readonly Lock _cssGate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Line starts in chunks that never move (see RowStore); written by the renderer only.
    private int[][] _lineStarts = new int[16][];
    private int _lineStartCount;
    private int _linesUpTo;

    // What readers may read: rows and lines below these. Written by the renderer with release semantics.
    private int _publishedRows;
    private int _publishedLines;
    private double _renderedFraction;

    // Holds the document's share of the render budget for as long as the document lives.
    private RenderBudget.Reservation? _reservation;

    internal TranscriptDocument(RowStore rows)
    {
        _rows = rows;
    }

    /// <summary>The width the transcript was rendered at (the widest, when the terminal grew along the way).</summary>
    public int Columns => _rows.Columns;

    /// <summary>The terminal's height at the end (inferred from the transcript, see <see cref="TerminalSizeScanner"/>).</summary>
    public int Rows { get; private set; }

    /// <summary>The terminal's width when row <paramref name="row"/> was written.</summary>
    public int ColumnsOf(int row) => _rows.ColumnsOf(row);

    /// <summary>The <c>Script started on</c> line, when the transcript has one (known once its first line is read).</summary>
    public string? Header { get; internal set; }

    /// <summary>The <c>Script done on</c> line (known once complete); none means the transcript was cut short.</summary>
    public string? Footer { get; internal set; }

    /// <summary>The last window title the session set (known once complete).</summary>
    public string? Title { get; private set; }

    /// <summary>
    /// True when rendering stopped because the transcript made far more rows or chars than its bytes could (see
    /// <see cref="TerminalEmulator.BaseTranscriptRows"/>): the document holds the beginning.
    /// </summary>
    public bool Truncated { get; private set; }

    /// <summary>
    /// True when rendering stopped because every render together had spent the portal's <see cref="RenderBudget"/>:
    /// the document holds the beginning, and rendering again later may give the whole.
    /// </summary>
    public bool OverBudget { get; private set; }

    /// <summary>True once every row is in.</summary>
    public bool IsComplete => _completion.Task.IsCompleted;

    /// <summary>How much of the transcript's bytes the render has been through, 0 to 1 (1 once complete).</summary>
    public double RenderedFraction => IsComplete ? 1 : Volatile.Read(ref _renderedFraction);

    /// <summary>Finishes when every row is in (faults when the render failed).</summary>
    public Task Completion => _completion.Task;

    /// <summary>Gives the document's memory back to the render budget now, when nobody will read it again.</summary>
    public void Release() => _reservation?.Dispose();

    /// <summary>Physical rows (so far, while rendering).</summary>
    public int RowCount => Volatile.Read(ref _publishedRows);

    /// <summary>Logical lines (so far, while rendering).</summary>
    public int LineCount => Volatile.Read(ref _publishedLines);

    /// <summary>Roughly what the document holds in memory, in bytes.</summary>
    public long ApproximateBytes => _rows.ApproximateBytes + ((long)(_lineStartCount + LineChunkSize - 1) / LineChunkSize * LineChunkSize * 4);

    /// <summary>Makes the rows the renderer has so far readable (the renderer's thread only).</summary>
    internal void Publish()
    {
        var count = _rows.Count;

        // A row whose kind changed (wiped by clear) or that was removed may start or continue a line differently.
        var changed = _rows.TakeLowestChanged();
        if (changed < _linesUpTo)
        {
            while (_lineStartCount > 0 && LineStart(_lineStartCount - 1) >= changed)
            {
                _lineStartCount--;
            }

            _linesUpTo = Math.Min(changed, count);
        }

        for (var i = _linesUpTo; i < count; i++)
        {
            // A row continues the line above when it is a soft wrap of a row of the same kind.
            if (i == 0 || !_rows.IsWrapped(i) || _rows.KindOf(i) != _rows.KindOf(i - 1))
            {
                AddLineStart(i);
            }
        }

        _linesUpTo = count;
        Volatile.Write(ref _publishedRows, count);
        Volatile.Write(ref _publishedLines, _lineStartCount);
    }

    /// <summary>Says how many of the body's bytes (expected, or known so far) the render has been through (the renderer's thread only).</summary>
    internal void ReportProgress(long rendered, long known)
    {
        var total = ExpectedBytes > 0 ? ExpectedBytes : known;
        if (total > 0)
        {
            Volatile.Write(ref _renderedFraction, Math.Clamp(rendered / (double)total, 0, 1));
        }
    }

    /// <summary>The body's size when known ahead (from the object's size), for progress.</summary>
    internal long ExpectedBytes { get; set; }

    /// <summary>Publishes the last rows and says the document is whole (the renderer's thread only).</summary>
    internal void Complete(string? title, int rows, bool truncated, bool overBudget, RenderBudget.Reservation? reservation)
    {
        Title = title;
        Rows = rows;
        Truncated = truncated;
        OverBudget = overBudget;
        _reservation = reservation;
        Publish();
        _completion.TrySetResult();
    }

    /// <summary>Says the render failed: the rows published so far stay readable.</summary>
    internal void Fail(Exception error, RenderBudget.Reservation? reservation)
    {
        _reservation = reservation;
        _completion.TrySetException(error);
    }

    private int LineStart(int line) => Volatile.Read(ref _lineStarts)[line >> LineChunkBits][line & (LineChunkSize - 1)];

    private void AddLineStart(int row)
    {
        var chunk = _lineStartCount >> LineChunkBits;
        if (chunk == _lineStarts.Length)
        {
            Volatile.Write(ref _lineStarts, [.. _lineStarts, .. new int[_lineStarts.Length][]]);
        }

        _lineStarts[chunk] ??= new int[LineChunkSize];
        _lineStarts[chunk][_lineStartCount++ & (LineChunkSize - 1)] = row;
    }

    /// <summary>Where row <paramref name="row"/> comes from.</summary>
    public RowKind RowKind(int row) => _rows.KindOf(row);

    /// <summary>True when row <paramref name="row"/> continues the one above (a soft wrap).</summary>
    public bool IsWrapped(int row) => _rows.IsWrapped(row);

    /// <summary>The row as text, blanks as spaces, trailing spaces dropped.</summary>
    public string RowText(int row)
    {
        var builder = new StringBuilder(Columns);
        AppendText(builder, row, null);
        return builder.ToString().TrimEnd(' ');
    }

    /// <summary>The row as encoded HTML spans: every character encoded, styles as inline CSS.</summary>
    public string RowHtml(int row)
    {
        var builder = new StringBuilder(Columns + 16);
        using var writer = new StringWriter(builder);
        WriteRowHtml(writer, row);
        return builder.ToString();
    }

    /// <summary>Writes the row's HTML spans to <paramref name="writer"/>.</summary>
    public void WriteRowHtml(TextWriter writer, int row) => WriteRowHtml(writer, row, []);

    /// <summary>
    /// Writes the row's HTML spans with the characters in <paramref name="masked"/> (indexes into the row's text, as
    /// <see cref="AppendLineText(StringBuilder, int)"/> lays it out) replaced by <paramref name="mask"/>.
    /// </summary>
    internal void WriteRowHtml(TextWriter writer, int row, ReadOnlySpan<(int Start, int Length)> masked, char mask = '•')
    {
        ArgumentNullException.ThrowIfNull(writer);
        var data = _rows.Data(row, stackalloc char[RowStore.MaxNarrowChars]);
        var styled = _rows.IsStyled(row);
        int runs = styled ? data[0] : 0;
        var text = styled ? data[(1 + (2 * runs))..] : data;
        if (!masked.IsEmpty)
        {
            var copy = text.ToArray();
            foreach (var (start, length) in masked)
            {
                for (var i = Math.Max(0, start); i < Math.Min(copy.Length, start + length); i++)
                {
                    copy[i] = copy[i] is '\0' or ' ' ? copy[i] : mask;
                }
            }

            text = copy;
        }

        if (!styled)
        {
            TerminalHtml.WriteText(writer, text);
            return;
        }

        var at = 0;
        for (var r = 0; r < runs; r++)
        {
            var length = Math.Min((int)data[1 + (2 * r)], text.Length - at);
            var style = data[2 + (2 * r)];
            var css = style == 0 ? string.Empty : Css(style);
            if (css.Length > 0)
            {
                writer.Write("<span style=\"");
                writer.Write(css);
                writer.Write("\">");
            }

            TerminalHtml.WriteText(writer, text.Slice(at, length));
            if (css.Length > 0)
            {
                writer.Write("</span>");
            }

            at += length;
        }
    }

    /// <summary>The row's cells, for tests and tools that need them.</summary>
    public TerminalRow Row(int row) => _rows.Materialize(row);

    /// <summary>The first row of line <paramref name="line"/>.</summary>
    public int LineFirstRow(int line) => LineStart(line);

    /// <summary>How many rows line <paramref name="line"/> spans.</summary>
    public int LineRowCount(int line) => LineEnd(line) - LineStart(line);

    /// <summary>Where line <paramref name="line"/> comes from.</summary>
    public RowKind LineKind(int line) => _rows.KindOf(LineStart(line));

    /// <summary>The line that row <paramref name="row"/> belongs to.</summary>
    public int LineOfRow(int row)
    {
        // The last line whose first row is at or before the row.
        int low = 0, high = LineCount - 1;
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (LineStart(middle) <= row)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>The row after line <paramref name="line"/>'s last.</summary>
    private int LineEnd(int line) => line + 1 < LineCount ? LineStart(line + 1) : RowCount;

    /// <summary>
    /// The line's text, as xterm.js's search joins it: rows before a soft wrap count at full width (less the empty
    /// last cell a wide character skipped), trailing spaces of the whole line dropped.
    /// </summary>
    public string LineText(int line)
    {
        var builder = new StringBuilder(Columns);
        AppendLineText(builder, line);
        var end = builder.Length;
        while (end > 0 && builder[end - 1] == ' ')
        {
            end--;
        }

        return builder.ToString(0, end);
    }

    /// <summary>The line's text cut to <paramref name="maxLength"/> characters for display, saying how much was left out.</summary>
    public string LineDisplayText(int line, int maxLength = 20_000)
    {
        if (LineRowCount(line) * (long)Columns <= maxLength)
        {
            return LineText(line);
        }

        return CutForDisplay(LineText(line), maxLength);
    }

    /// <summary>A line's text cut to <paramref name="maxLength"/> characters, saying how much was left out.</summary>
    internal static string CutForDisplay(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), $" … ({text.Length - maxLength:N0} more characters: see the rows view or the text download)");

    /// <summary>Appends the line's text (trailing spaces included) to <paramref name="builder"/>.</summary>
    public void AppendLineText(StringBuilder builder, int line) => AppendLineText(builder, line, null);

    /// <summary>Appends the line's text, and where each of its rows starts in it to <paramref name="rowStarts"/>.</summary>
    internal void AppendLineText(StringBuilder builder, int line, List<int>? rowStarts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var first = LineStart(line);
        var last = LineEnd(line) - 1;
        for (var row = first; row < last; row++)
        {
            rowStarts?.Add(builder.Length);
            var dropLast = _rows.FirstCellWide(row + 1) && _rows.LastCellBlank(row);
            var width = _rows.ColumnsOf(row);
            AppendText(builder, row, dropLast ? width - 1 : width);
        }

        rowStarts?.Add(builder.Length);
        AppendText(builder, last, null);
    }

    /// <summary>
    /// The line's text (trailing spaces dropped) in <paramref name="buffer"/>, grown as needed, so reading every
    /// line of a huge transcript makes no strings.
    /// </summary>
    public ReadOnlySpan<char> LineText(int line, StringBuilder scratch, ref char[] buffer)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        scratch.Clear();
        AppendLineText(scratch, line);
        var end = scratch.Length;
        while (end > 0 && scratch[end - 1] == ' ')
        {
            end--;
        }

        if (buffer.Length < end)
        {
            buffer = new char[Math.Max(end, buffer.Length * 2)];
        }

        scratch.CopyTo(0, buffer, 0, end);
        return buffer.AsSpan(0, end);
    }

    /// <summary>Every line's text, in order (for export and indexing).</summary>
    public IEnumerable<string> LineTexts()
    {
        for (var line = 0; line < LineCount; line++)
        {
            yield return LineText(line);
        }
    }

    /// <summary>Appends a row's cells as text; with <paramref name="cells"/>, padded or cut to that many cells.</summary>
    private void AppendText(StringBuilder builder, int row, int? cells)
    {
        var text = _rows.Text(row, stackalloc char[RowStore.MaxNarrowChars]);
        var stored = _rows.Cells(row);
        if (cells is { } wanted && wanted < stored)
        {
            // Only the blank last cell is ever cut: drop it and whatever combining marks it carried.
            var cut = text.LastIndexOf('\0');
            text = cut >= 0 ? text[..cut] : text;
        }

        foreach (var c in text)
        {
            builder.Append(c == '\0' ? ' ' : c);
        }

        if (cells is { } width && width > stored)
        {
            builder.Append(' ', width - stored);
        }
    }

    private string Css(int style)
    {
        lock (_cssGate)
        {
            if (!_css.TryGetValue(style, out var css))
            {
                _css[style] = css = TerminalHtml.Css(_rows.Styles[style]);
            }

            return css;
        }
    }
}

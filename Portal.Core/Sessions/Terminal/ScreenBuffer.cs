namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A screen of <see cref="Rows"/> rows. For the normal buffer, a row that scrolls off the top is handed to the
/// history callback (which stores it compactly) and its object is reused for the new bottom row, so scrolling
/// allocates nothing.
/// </summary>
internal sealed class ScreenBuffer
{
    private readonly StyleTable _styles;
    private readonly Action<TerminalRow>? _toHistory;

    public ScreenBuffer(int columns, int rows, StyleTable styles, Action<TerminalRow>? toHistory)
    {
        Columns = columns;
        Rows = rows;
        _styles = styles;
        _toHistory = toHistory;
        ScrollBottom = rows - 1;
        for (var i = 0; i < rows; i++)
        {
            Lines.Add(new TerminalRow(columns, styles));
        }
    }

    /// <summary>The screen's rows, top to bottom.</summary>
    public List<TerminalRow> Lines { get; } = [];

    public int Columns { get; }

    public int Rows { get; }

    /// <summary>Cursor column; equals <see cref="Columns"/> while a wrap is pending (as in xterm.js).</summary>
    public int X { get; set; }

    public int Y { get; set; }

    public int ScrollTop { get; set; }

    public int ScrollBottom { get; set; }

    public (int X, int Y, CellStyle Style, bool OriginMode, Charsets Charsets)? Saved { get; set; }

    public TerminalRow NewRow(int fillStyle = 0) => new(Columns, _styles, fillStyle);

    public TerminalRow Row(int y) => Lines[y];

    /// <summary>Scrolls the region up one line; at the top of the normal screen the line goes to history.</summary>
    public void ScrollUp(int fillStyle, bool isWrapped = false)
    {
        var top = Lines[ScrollTop];
        Lines.RemoveAt(ScrollTop);
        if (ScrollTop == 0 && _toHistory is not null)
        {
            // History keeps its own copy; the row object becomes the new bottom row.
            _toHistory(top);
            top.Reset(fillStyle, isWrapped);
            Lines.Insert(ScrollBottom, top);
            return;
        }

        var blank = NewRow(fillStyle);
        blank.IsWrapped = isWrapped;
        Lines.Insert(ScrollBottom, blank);
    }

    public void ScrollDown(int fillStyle)
    {
        Lines.RemoveAt(ScrollBottom);
        Lines.Insert(ScrollTop, NewRow(fillStyle));
    }

    public void Reset()
    {
        Lines.Clear();
        for (var i = 0; i < Rows; i++)
        {
            Lines.Add(NewRow());
        }

        X = Y = ScrollTop = 0;
        ScrollBottom = Rows - 1;
        Saved = null;
    }
}

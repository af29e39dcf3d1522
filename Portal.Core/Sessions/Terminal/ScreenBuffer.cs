namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A screen of <see cref="Rows"/> rows in a ring, so scrolling the whole screen moves no rows. For the normal
/// buffer, a row that scrolls off the top is handed to the history callback (which packs it) and its object is
/// reused for the new bottom row, so scrolling allocates nothing.
/// </summary>
internal sealed class ScreenBuffer
{
    private readonly StyleTable _styles;
    private readonly Action<TerminalRow>? _toHistory;
    private TerminalRow[] _ring;
    private int _top;

    public ScreenBuffer(int columns, int rows, StyleTable styles, Action<TerminalRow>? toHistory)
    {
        Columns = columns;
        Rows = rows;
        _styles = styles;
        _toHistory = toHistory;
        ScrollBottom = rows - 1;
        _ring = new TerminalRow[rows];
        for (var i = 0; i < rows; i++)
        {
            _ring[i] = new TerminalRow(columns, styles);
        }
    }

    /// <summary>The screen's rows, top to bottom.</summary>
    public IEnumerable<TerminalRow> Lines
    {
        get
        {
            for (var y = 0; y < Rows; y++)
            {
                yield return Row(y);
            }
        }
    }

    public int Columns { get; private set; }

    public int Rows { get; private set; }

    /// <summary>Cursor column; equals <see cref="Columns"/> while a wrap is pending (as in xterm.js).</summary>
    public int X { get; set; }

    public int Y { get; set; }

    public int ScrollTop { get; set; }

    public int ScrollBottom { get; set; }

    public (int X, int Y, CellStyle Style, bool OriginMode, Charsets Charsets)? Saved { get; set; }

    public TerminalRow NewRow(int fillStyle = 0) => new(Columns, _styles, fillStyle);

    public TerminalRow Row(int y)
    {
        var i = _top + y;
        return _ring[i >= Rows ? i - Rows : i];
    }

    /// <summary>Scrolls the region up one line; at the top of the normal screen the line goes to history.</summary>
    public void ScrollUp(int fillStyle, bool isWrapped = false)
    {
        var top = Row(ScrollTop);
        if (ScrollTop == 0 && _toHistory is not null)
        {
            // History keeps its own copy; the row object becomes the new bottom row.
            _toHistory(top);
            top.Reset(fillStyle, isWrapped);
            if (ScrollBottom == Rows - 1)
            {
                _top = _top + 1 == Rows ? 0 : _top + 1;
                return;
            }

            Shift(ScrollTop, ScrollBottom, up: true, top);
            return;
        }

        var blank = NewRow(fillStyle);
        blank.IsWrapped = isWrapped;
        Shift(ScrollTop, ScrollBottom, up: true, blank);
    }

    public void ScrollDown(int fillStyle) => Shift(ScrollTop, ScrollBottom, up: false, NewRow(fillStyle));

    /// <summary>
    /// Moves rows <paramref name="from"/>..<paramref name="to"/> one up (the top one leaves, <paramref name="fresh"/>
    /// comes in at the bottom) or one down (the bottom one leaves, <paramref name="fresh"/> comes in at the top).
    /// </summary>
    public void Shift(int from, int to, bool up, TerminalRow fresh)
    {
        if (up)
        {
            for (var y = from; y < to; y++)
            {
                Set(y, Row(y + 1));
            }

            Set(to, fresh);
        }
        else
        {
            for (var y = to; y > from; y--)
            {
                Set(y, Row(y - 1));
            }

            Set(from, fresh);
        }
    }

    /// <summary>
    /// Grows the screen (the terminal was made larger): rows keep their objects and get blank cells on the right, and
    /// blank rows come in below. A scroll region that was the whole screen stays the whole screen.
    /// </summary>
    public void Grow(int columns, int rows)
    {
        columns = Math.Max(columns, Columns);
        rows = Math.Max(rows, Rows);
        var ring = new TerminalRow[rows];
        for (var y = 0; y < rows; y++)
        {
            var row = y < Rows ? Row(y) : new TerminalRow(columns, _styles);
            row.Widen(columns);
            ring[y] = row;
        }

        if (ScrollBottom == Rows - 1)
        {
            ScrollBottom = rows - 1;
        }

        (_ring, _top, Columns, Rows) = (ring, 0, columns, rows);
    }

    public void Reset()
    {
        _top = 0;
        for (var i = 0; i < Rows; i++)
        {
            _ring[i] = NewRow();
        }

        X = Y = ScrollTop = 0;
        ScrollBottom = Rows - 1;
        Saved = null;
    }

    private void Set(int y, TerminalRow row)
    {
        var i = _top + y;
        _ring[i >= Rows ? i - Rows : i] = row;
    }
}

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A screen and, for the normal buffer, everything that scrolled off its top. Rows 0..<see cref="YBase"/>-1 are
/// scrollback; the screen is the last <see cref="Rows"/> rows.
/// </summary>
internal sealed class ScreenBuffer
{
    private readonly bool _hasScrollback;
    private readonly StyleTable _styles;

    public ScreenBuffer(int columns, int rows, bool hasScrollback, StyleTable styles)
    {
        Columns = columns;
        Rows = rows;
        _hasScrollback = hasScrollback;
        _styles = styles;
        ScrollBottom = rows - 1;
        for (var i = 0; i < rows; i++)
        {
            Lines.Add(new TerminalRow(columns, styles));
        }
    }

    public List<TerminalRow> Lines { get; } = [];

    public int Columns { get; }

    public int Rows { get; }

    public int YBase { get; private set; }

    /// <summary>Cursor column; equals <see cref="Columns"/> while a wrap is pending (as in xterm.js).</summary>
    public int X { get; set; }

    public int Y { get; set; }

    public int ScrollTop { get; set; }

    public int ScrollBottom { get; set; }

    public (int X, int Y, CellStyle Style, bool OriginMode, Charsets Charsets)? Saved { get; set; }

    public TerminalRow NewRow(int fillStyle = 0) => new(Columns, _styles, fillStyle);

    public TerminalRow Row(int y) => Lines[YBase + y];

    /// <summary>Scrolls the region up one line; at the top of the normal screen the line goes to scrollback.</summary>
    public void ScrollUp(int fillStyle, bool isWrapped = false)
    {
        if (ScrollTop == 0 && _hasScrollback)
        {
            // The top row is history now and never changes again: it gives its full-width array to the new row.
            var recycled = Lines[YBase].Compact();
            var fresh = new TerminalRow(Columns, _styles, fillStyle, recycled) { IsWrapped = isWrapped };
            if (ScrollBottom == Rows - 1)
            {
                Lines.Add(fresh);
            }
            else
            {
                Lines.Insert(YBase + ScrollBottom + 1, fresh);
            }

            YBase++;
            return;
        }

        var blank = NewRow(fillStyle);
        blank.IsWrapped = isWrapped;
        Lines.RemoveAt(YBase + ScrollTop);
        Lines.Insert(YBase + ScrollBottom, blank);
    }

    public void ScrollDown(int fillStyle)
    {
        Lines.RemoveAt(YBase + ScrollBottom);
        Lines.Insert(YBase + ScrollTop, NewRow(fillStyle));
    }

    /// <summary>ED 3: forget the scrollback.</summary>
    public void ClearScrollback()
    {
        if (YBase > 0)
        {
            Lines.RemoveRange(0, YBase);
            YBase = 0;
        }
    }

    public void Reset()
    {
        Lines.Clear();
        YBase = 0;
        for (var i = 0; i < Rows; i++)
        {
            Lines.Add(NewRow());
        }

        X = Y = ScrollTop = 0;
        ScrollBottom = Rows - 1;
        Saved = null;
    }
}

using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// One row of cells. <see cref="IsWrapped"/> marks a row that continues the one above (a soft wrap). Cells are
/// packed in 8 bytes each (code point, width, style id); rows that scroll into history drop their trailing blank
/// cells, so a short line costs little however wide the terminal is.
/// </summary>
public sealed class TerminalRow
{
    // Bits 0-20: code point (0 = blank). Bits 21-22: 0 = width 1, 1 = width 2, 2 = second half of a wide character.
    // Bits 32-63: style id.
    private const int WidthShift = 21;
    private const ulong CodePointMask = (1UL << WidthShift) - 1;
    private const ulong Wide = 1UL << WidthShift;
    private const ulong SecondHalf = 2UL << WidthShift;

    private readonly StyleTable _styles;
    private ulong[] _cells;
    private Dictionary<int, string>? _combining;

    internal TerminalRow(int columns, StyleTable styles, int fillStyle = 0, ulong[]? recycled = null)
    {
        Columns = columns;
        _styles = styles;
        if (recycled is { Length: var length } && length == columns)
        {
            _cells = recycled;
            Array.Fill(_cells, (ulong)fillStyle << 32);
        }
        else
        {
            _cells = new ulong[columns];
            if (fillStyle != 0)
            {
                Array.Fill(_cells, (ulong)fillStyle << 32);
            }
        }
    }

    /// <summary>The terminal's width when the row was written.</summary>
    public int Columns { get; }

    /// <summary>True when this row continues the previous one.</summary>
    public bool IsWrapped { get; internal set; }

    /// <summary>True when no cell shows a character.</summary>
    public bool IsBlank
    {
        get
        {
            foreach (var cell in _cells)
            {
                if ((cell & CodePointMask) != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The cell at <paramref name="column"/>.</summary>
    public TerminalCell this[int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            var cell = column < _cells.Length ? _cells[column] : 0;
            var codePoint = (int)(cell & CodePointMask);
            var text = codePoint == 0 ? string.Empty : char.ConvertFromUtf32(codePoint);
            if (_combining is not null && _combining.TryGetValue(column, out var extra))
            {
                text += extra;
            }

            var width = (cell & (3UL << WidthShift)) switch { Wide => 2, SecondHalf => 0, _ => 1 };
            return new TerminalCell(text, (byte)width, _styles[(int)(cell >> 32)]);
        }
    }

    /// <summary>The row as text: blank cells are spaces, second halves of wide characters add nothing.</summary>
    /// <param name="trimRight">Drop trailing spaces.</param>
    /// <param name="columns">Only the first columns; defaults to all.</param>
    public string ToText(bool trimRight = true, int? columns = null)
    {
        var end = Math.Min(columns ?? Columns, Columns);
        var builder = new StringBuilder(end);
        for (var i = 0; i < end; i++)
        {
            var cell = i < _cells.Length ? _cells[i] : 0;
            if ((cell & SecondHalf) != 0)
            {
                continue;
            }

            var codePoint = (int)(cell & CodePointMask);
            if (codePoint == 0)
            {
                builder.Append(' ');
            }
            else if (codePoint < 0x10000)
            {
                builder.Append((char)codePoint);
            }
            else
            {
                builder.Append(char.ConvertFromUtf32(codePoint));
            }

            if (_combining is not null && _combining.TryGetValue(i, out var extra))
            {
                builder.Append(extra);
            }
        }

        if (trimRight)
        {
            var length = builder.Length;
            while (length > 0 && builder[length - 1] == ' ')
            {
                length--;
            }

            builder.Length = length;
        }

        return builder.ToString();
    }

    internal int StyleIdAt(int column) => column < _cells.Length ? (int)(_cells[column] >> 32) : 0;

    internal bool IsWideAt(int column) => column < _cells.Length && (_cells[column] & (3UL << WidthShift)) == Wide;

    internal bool IsSecondHalfAt(int column) => column < _cells.Length && (_cells[column] & (3UL << WidthShift)) == SecondHalf;

    internal bool IsBlankAt(int column) => column >= _cells.Length || (_cells[column] & CodePointMask) == 0;

    /// <summary>Writes a character (width 1 or 2); a wide one takes the next cell as its second half.</summary>
    internal void Set(int column, int codePoint, int width, int style)
    {
        _combining?.Remove(column);
        _cells[column] = (uint)codePoint | (width == 2 ? Wide : 0) | ((ulong)style << 32);
    }

    internal void SetSecondHalf(int column, int style)
    {
        _combining?.Remove(column);
        _cells[column] = SecondHalf | ((ulong)style << 32);
    }

    internal void SetBlank(int column, int style)
    {
        _combining?.Remove(column);
        _cells[column] = (ulong)style << 32;
    }

    /// <summary>Adds a combining mark, ZWJ or variation selector to the character in a cell (capped per cell).</summary>
    internal void AddCombining(int column, int codePoint)
    {
        _combining ??= [];
        var text = _combining.TryGetValue(column, out var existing) ? existing : string.Empty;
        if (text.Length < 32)
        {
            _combining[column] = text + char.ConvertFromUtf32(codePoint);
        }
    }

    internal void Fill(int from, int to, int style)
    {
        from = Math.Max(0, from);
        to = Math.Min(to, Columns);
        if (from >= to)
        {
            return;
        }

        _cells.AsSpan(from, to - from).Fill((ulong)style << 32);
        if (_combining is not null)
        {
            for (var i = from; i < to; i++)
            {
                _combining.Remove(i);
            }
        }
    }

    internal void Insert(int at, int count, int style)
    {
        if (at >= Columns)
        {
            return;
        }

        count = Math.Min(count, Columns - at);
        Array.Copy(_cells, at, _cells, at + count, Columns - at - count);
        ShiftCombining(at, count);
        Fill(at, at + count, style);
    }

    internal void Delete(int at, int count, int style)
    {
        if (at >= Columns)
        {
            return;
        }

        count = Math.Min(count, Columns - at);
        Array.Copy(_cells, at + count, _cells, at, Columns - at - count);
        ShiftCombining(at + count, -count);
        Fill(Columns - count, Columns, style);
    }

    internal TerminalRow Copy()
    {
        var copy = new TerminalRow(Columns, _styles) { IsWrapped = IsWrapped };
        Array.Copy(_cells, copy._cells, _cells.Length);
        copy._combining = _combining is null ? null : new Dictionary<int, string>(_combining);
        return copy;
    }

    /// <summary>
    /// Drops trailing blank default cells; called once a row is history and will not change again. Returns the
    /// full-width array it no longer needs, for the next new row.
    /// </summary>
    internal ulong[]? Compact()
    {
        var length = _cells.Length;
        while (length > 0 && _cells[length - 1] == 0)
        {
            length--;
        }

        if (length == _cells.Length)
        {
            return null;
        }

        var full = _cells;
        _cells = length == 0 ? [] : full[..length];
        return full;
    }

    private void ShiftCombining(int from, int by)
    {
        if (_combining is null || _combining.Count == 0)
        {
            return;
        }

        var moved = _combining.Where(e => e.Key >= from).ToList();
        foreach (var (column, _) in moved)
        {
            _combining.Remove(column);
        }

        foreach (var (column, text) in moved)
        {
            if (column + by is var target && target >= 0 && target < Columns)
            {
                _combining[target] = text;
            }
        }
    }
}

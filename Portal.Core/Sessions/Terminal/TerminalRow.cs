using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>One row of cells. <see cref="IsWrapped"/> marks a row that continues the one above (a soft wrap).</summary>
public sealed class TerminalRow
{
    private readonly TerminalCell[] _cells;

    internal TerminalRow(int columns, CellStyle fill)
    {
        _cells = new TerminalCell[columns];
        Array.Fill(_cells, TerminalCell.BlankIn(fill));
    }

    /// <summary>True when this row continues the previous one.</summary>
    public bool IsWrapped { get; internal set; }

    /// <summary>The cells, one per column.</summary>
    public ReadOnlySpan<TerminalCell> Cells => _cells;

    internal int Length => _cells.Length;

    internal ref TerminalCell this[int column] => ref _cells[column];

    /// <summary>The row as text: blank cells are spaces, second halves of wide characters add nothing.</summary>
    /// <param name="trimRight">Drop trailing spaces.</param>
    /// <param name="columns">Only the first columns; defaults to all.</param>
    public string ToText(bool trimRight = true, int? columns = null)
    {
        var builder = new StringBuilder(_cells.Length);
        var end = Math.Min(columns ?? _cells.Length, _cells.Length);
        for (var i = 0; i < end; i++)
        {
            var cell = _cells[i];
            if (cell.Width == 0)
            {
                continue;
            }

            builder.Append(cell.Text.Length == 0 ? " " : cell.Text);
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

    internal void Fill(int from, int to, TerminalCell cell)
    {
        for (var i = Math.Max(0, from); i < Math.Min(to, _cells.Length); i++)
        {
            _cells[i] = cell;
        }
    }

    internal void Insert(int at, int count, TerminalCell blank)
    {
        if (at >= _cells.Length)
        {
            return;
        }

        count = Math.Min(count, _cells.Length - at);
        Array.Copy(_cells, at, _cells, at + count, _cells.Length - at - count);
        Fill(at, at + count, blank);
    }

    internal void Delete(int at, int count, TerminalCell blank)
    {
        if (at >= _cells.Length)
        {
            return;
        }

        count = Math.Min(count, _cells.Length - at);
        Array.Copy(_cells, at + count, _cells, at, _cells.Length - at - count);
        Fill(_cells.Length - count, _cells.Length, blank);
    }

    internal void CopyFrom(TerminalRow other)
    {
        Array.Copy(other._cells, _cells, Math.Min(_cells.Length, other._cells.Length));
        IsWrapped = other.IsWrapped;
    }
}

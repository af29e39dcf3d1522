namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Rows that will not change again, in transcript order, packed for size: the text of all rows lives in large
/// shared char chunks (see <see cref="TerminalRow.Encode"/>) and each row costs one 64-bit word besides, so a
/// transcript of millions of short lines stays a few large arrays instead of millions of objects.
/// </summary>
internal sealed class RowStore
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;

    // Chunks stay under the large-object heap's threshold (85,000 bytes), so rendering many transcripts, as the
    // indexer does, never triggers the full collections that large-object churn causes.
    private const int ChunkChars = 32 * 1024;

    // Bits 0-33: offset (chunk << 20 | position); 34-48: length in chars; 49-57: cells; 58-59: kind; 60: wrapped;
    // 61: first cell wide; 62: last cell blank; 63: styled.
    private const int LengthShift = 34;
    private const int CellsShift = 49;
    private const int KindShift = 58;
    private const ulong OffsetMask = (1UL << LengthShift) - 1;
    private const ulong WrappedBit = 1UL << 60;
    private const ulong FirstWideBit = 1UL << 61;
    private const ulong LastBlankBit = 1UL << 62;
    private const ulong StyledBit = 1UL << 63;

    /// <summary>The widest terminal a row can be stored for (nine bits of cell count).</summary>
    public const int MaxColumns = 511;

    private readonly List<char[]> _chunks = [];
    private char[] _current = [];
    private ulong[] _rows = new ulong[4096];
    private int _position;

    public RowStore(int columns, StyleTable styles)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, MaxColumns);
        Columns = columns;
        Styles = styles;
    }

    public int Columns { get; }

    public StyleTable Styles { get; }

    public int Count { get; private set; }

    /// <summary>Chars held, for memory accounting.</summary>
    public long Chars { get; private set; }

    public void Append(TerminalRow row, RowKind kind)
    {
        if (_position + row.EncodedLengthBound > _current.Length)
        {
            _current = new char[Math.Max(ChunkChars, row.EncodedLengthBound)];
            _chunks.Add(_current);
            _position = 0;
        }

        // Most rows are plain BMP text with no style: one pass narrows the cells to chars. Others take Encode.
        int length, cells;
        bool styled, firstWide, lastBlank;
        var source = row.Cells;
        var used = row.Used;
        var destination = _current.AsSpan(_position);
        var plain = !row.HasCombining;
        if (plain)
        {
            // Spans of the same length let the JIT drop the bounds checks in this, the hottest loop of rendering.
            var cellsToCopy = source.AsSpan(0, used);
            var chars = destination[..used];
            for (var i = 0; i < cellsToCopy.Length; i++)
            {
                var cell = cellsToCopy[i];
                if (cell >= 0x10000)
                {
                    plain = false;
                    break;
                }

                chars[i] = (char)cell;
            }
        }

        if (plain)
        {
            while (used > 0 && source[used - 1] == 0)
            {
                used--;
            }

            length = cells = used;
            styled = firstWide = false;
            lastBlank = used < Columns || source[Columns - 1] == 0;
        }
        else
        {
            length = row.Encode(destination, out cells, out styled, out firstWide, out lastBlank);
        }

        var offset = ((ulong)(_chunks.Count - 1) << ChunkBits) | (uint)_position;
        _position += length;
        Chars += length;
        if (Count == _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
        }

        _rows[Count++] = offset
            | ((ulong)length << LengthShift)
            | ((ulong)cells << CellsShift)
            | ((ulong)kind << KindShift)
            | (row.IsWrapped ? WrappedBit : 0)
            | (firstWide ? FirstWideBit : 0)
            | (lastBlank ? LastBlankBit : 0)
            | (styled ? StyledBit : 0);
    }

    public void AppendRange(IEnumerable<TranscriptRow> rows)
    {
        foreach (var row in rows)
        {
            Append(row.Row, row.Kind);
        }
    }

    /// <summary>Gives rows from <paramref name="from"/> on that are <paramref name="kind"/> the kind <paramref name="to"/>.</summary>
    public void Reclassify(int from, RowKind kind, RowKind to)
    {
        for (var i = from; i < Count; i++)
        {
            if (KindOf(i) == kind)
            {
                _rows[i] = (_rows[i] & ~(3UL << KindShift)) | ((ulong)to << KindShift);
            }
        }
    }

    /// <summary>Drops the last row.</summary>
    public void RemoveLast() => Count--;

    public RowKind KindOf(int index) => (RowKind)((_rows[index] >> KindShift) & 3);

    public bool IsWrapped(int index) => (_rows[index] & WrappedBit) != 0;

    public bool FirstCellWide(int index) => (_rows[index] & FirstWideBit) != 0;

    public bool LastCellBlank(int index) => (_rows[index] & LastBlankBit) != 0;

    public bool IsStyled(int index) => (_rows[index] & StyledBit) != 0;

    public int Cells(int index) => (int)((_rows[index] >> CellsShift) & 511);

    /// <summary>The row as encoded: runs (when styled) then text.</summary>
    public ReadOnlySpan<char> Data(int index)
    {
        var row = _rows[index];
        var offset = row & OffsetMask;
        return _chunks[(int)(offset >> ChunkBits)].AsSpan((int)(offset & (ChunkSize - 1)), (int)((row >> LengthShift) & 0x7FFF));
    }

    /// <summary>The row's text part: one char (or pair) per cell, blanks as NUL, combining marks inline.</summary>
    public ReadOnlySpan<char> Text(int index)
    {
        var data = Data(index);
        return IsStyled(index) ? data[(1 + (2 * data[0]))..] : data;
    }

    /// <summary>True when no cell of the row shows a character.</summary>
    public bool IsBlank(int index)
    {
        foreach (var c in Text(index))
        {
            if (c != '\0')
            {
                return false;
            }
        }

        return true;
    }

    public TerminalRow Materialize(int index) => TerminalRow.Decode(Data(index), IsStyled(index), IsWrapped(index), Columns, Styles);
}

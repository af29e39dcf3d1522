namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Rows that will not change again, in transcript order, packed for size: the text of all rows lives in large
/// shared chunks (see <see cref="TerminalRow.Encode"/>), chars for most rows and bytes for rows of plain ASCII (most of
/// a long transcript's rows, at half the memory), and each row costs one 64-bit word besides, so a transcript of
/// millions of short lines stays a few large arrays instead of millions of objects.
/// One thread appends; others may read every row below a count the writer published (see
/// <see cref="TranscriptDocument"/>): nothing a reader can reach is ever moved, only the chunk directories are
/// copied when they grow, and a row's word is written before it is published.
/// </summary>
internal sealed class RowStore
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;

    // The first chunks stay under the large-object heap's threshold (85,000 bytes), so rendering many small
    // transcripts, as the indexer does, never triggers the full collections that large-object churn causes. A store
    // that outgrows them is a large transcript kept for a while: its further chunks are as large as an offset
    // allows (2 MB), on the large-object heap, which a collection never copies. Kept small, every chunk of a 50 MB
    // render was copied from one generation to the next, a third of the render's time.
    private const int ChunkChars = 32 * 1024;
    private const int SmallChunks = 8;

    // Bits 0-32: offset (chunk << 20 | position); 33: narrow (the offset is into the byte chunks); 34-48: length in
    // chars; 49-57: cells; 58-59: kind; 60: wrapped; 61: first cell wide; 62: last cell blank; 63: styled.
    private const int LengthShift = 34;
    private const int CellsShift = 49;
    private const int KindShift = 58;
    private const ulong OffsetMask = (1UL << 33) - 1;
    private const ulong NarrowBit = 1UL << 33;
    private const ulong WrappedBit = 1UL << 60;
    private const ulong FirstWideBit = 1UL << 61;
    private const ulong LastBlankBit = 1UL << 62;
    private const ulong StyledBit = 1UL << 63;

    /// <summary>The widest terminal a row can be stored for (nine bits of cell count).</summary>
    public const int MaxColumns = 511;

    // Row words in chunks of 8,192 (64 KB, under the large-object threshold too).
    private const int RowChunkBits = 13;
    private const int RowChunkSize = 1 << RowChunkBits;

    private char[][] _chunks = new char[16][];
    private int _chunkCount;
    private char[] _current = [];
    private int _position;

    // Rows of plain ASCII, no style, one byte a cell: chunks of bytes, sized and grown as the char chunks are.
    private byte[][] _narrowChunks = new byte[16][];
    private int _narrowChunkCount;
    private byte[] _narrowCurrent = [];
    private int _narrowPosition;

    private ulong[][] _rows = new ulong[16][];
    private ulong[] _rowChunk = [];
    private int _rowChunkIndex = -1;

    // The lowest row whose kind changed, or that was removed, since TakeLowestChanged was last called.
    private int _lowestChanged = int.MaxValue;

    // Where the width changes (the terminal grew): the first row at each width, in order; read like the chunks.
    private (int FirstRow, int Columns)[] _widths;
    private int _widthCount = 1;

    public RowStore(int columns, StyleTable styles)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, MaxColumns);
        Columns = columns;
        Styles = styles;
        _widths = [(0, columns), .. new (int, int)[3]];
    }

    /// <summary>The widest row's width.</summary>
    public int Columns { get; private set; }

    public StyleTable Styles { get; }

    public int Count { get; private set; }

    /// <summary>Chars held (a narrow row's bytes count as chars), for the limits on what a transcript may make.</summary>
    public long Chars { get; private set; }

    /// <summary>What the rows' text takes, in bytes: two a char, one a narrow row's byte.</summary>
    public long TextBytes { get; private set; }

    /// <summary>Roughly what the store holds in memory, in bytes (row words are allocated a chunk at a time).</summary>
    public long ApproximateBytes => TextBytes + ((long)(Count + RowChunkSize - 1) / RowChunkSize * RowChunkSize * 8);

    /// <summary>Returns (and forgets) the lowest row changed since the last call; <see cref="int.MaxValue"/> for none.</summary>
    public int TakeLowestChanged()
    {
        var lowest = _lowestChanged;
        _lowestChanged = int.MaxValue;
        return lowest;
    }

    public void Append(TerminalRow row, RowKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(row.Columns, MaxColumns);
        if (row.Columns != _widths[_widthCount - 1].Columns)
        {
            AddWidth(row.Columns);
        }

        if (_position + row.EncodedLengthBound > _current.Length)
        {
            NewChunk(row.EncodedLengthBound);
        }

        if (row.IsPacked)
        {
            // Filled from the bytes and never touched since: already in the stored form.
            if (!row.PackedStyled)
            {
                AppendNarrow(row.PackedData, row.IsWrapped, kind, row.Columns);
                return;
            }

            row.PackedData.CopyTo(_current.AsSpan(_position));
            AddCharRow(row.PackedData.Length, row.PackedCells, kind, row.IsWrapped, styled: true, firstWide: false, lastBlank: row.PackedCells < row.Columns);
            return;
        }

        var destination = _current.AsSpan(_position);
        var length = row.Encode(destination, out var cells, out var styled, out var firstWide, out var lastBlank);
        if (!styled && length == cells && System.Text.Ascii.IsValid(destination[..length]))
        {
            AppendNarrow(destination[..length], row.IsWrapped, kind, row.Columns);
            return;
        }

        AddCharRow(length, cells, kind, row.IsWrapped, styled, firstWide, lastBlank);
    }

    private void AddWidth(int columns)
    {
        if (_widthCount == _widths.Length)
        {
            Volatile.Write(ref _widths, [.. _widths, .. new (int, int)[_widths.Length]]);
        }

        _widths[_widthCount] = (Count, columns);
        Volatile.Write(ref _widthCount, _widthCount + 1);
        Columns = Math.Max(Columns, columns);
    }

    /// <summary>Makes room for a narrow row of <paramref name="length"/> bytes (even none: its offset names a chunk).</summary>
    private void EnsureNarrowRoom(int length)
    {
        if (_narrowChunkCount == 0 || _narrowPosition + length > _narrowCurrent.Length)
        {
            NewNarrowChunk(length);
        }
    }

    private void NewNarrowChunk(int atLeast)
    {
        _narrowCurrent = AddChunk(ref _narrowChunks, ref _narrowChunkCount, atLeast);
        _narrowPosition = 0;
    }

    private void NewChunk(int atLeast)
    {
        _current = AddChunk(ref _chunks, ref _chunkCount, atLeast);
        _position = 0;
    }

    /// <summary>A new chunk of chars or bytes at the end of <paramref name="chunks"/>, the directory copied if it is full.</summary>
    private static T[] AddChunk<T>(ref T[][] chunks, ref int count, int atLeast)
        where T : unmanaged
    {
        // Only what rows were written to is ever read: the chunk need not be zeroed first.
        var chunk = GC.AllocateUninitializedArray<T>(Math.Max(count < SmallChunks ? ChunkChars : ChunkSize, atLeast));
        if (count == chunks.Length)
        {
            Volatile.Write(ref chunks, [.. chunks, .. new T[chunks.Length][]]);
        }

        chunks[count++] = chunk;
        return chunk;
    }

    /// <summary>Stores the next row's word (the row is published later, by count).</summary>
    private void AddWord(ulong word)
    {
        if (Count >> RowChunkBits != _rowChunkIndex)
        {
            NewRowChunk();
        }

        _rowChunk[Count++ & (RowChunkSize - 1)] = word;
    }

    private void NewRowChunk()
    {
        var chunk = Count >> RowChunkBits;
        if (chunk == _rows.Length)
        {
            Volatile.Write(ref _rows, [.. _rows, .. new ulong[_rows.Length][]]);
        }

        _rowChunk = _rows[chunk] ??= new ulong[RowChunkSize];
        _rowChunkIndex = chunk;
    }

    /// <summary>
    /// Appends a live row of printable ASCII in the default style straight from the transcript's bytes (what
    /// <see cref="Append"/> stores for it), at most a row wide.
    /// </summary>
    public void AppendAscii(ReadOnlySpan<byte> text, bool wrapped, int columns)
    {
        if (columns != _widths[_widthCount - 1].Columns)
        {
            AddWidth(columns);
        }

        System.Diagnostics.Debug.Assert(text.Length <= columns, "a row is at most the terminal's width");
        EnsureNarrowRoom(text.Length);
        text.CopyTo(_narrowCurrent.AsSpan(_narrowPosition));
        AddNarrow(text.Length, wrapped, RowKind.Live, columns);
    }

    /// <summary>Stores an unstyled row of ASCII chars (NUL for blanks included) as bytes.</summary>
    private void AppendNarrow(ReadOnlySpan<char> text, bool wrapped, RowKind kind, int columns)
    {
        EnsureNarrowRoom(text.Length);
        System.Text.Ascii.FromUtf16(text, _narrowCurrent.AsSpan(_narrowPosition, text.Length), out _);
        AddNarrow(text.Length, wrapped, kind, columns);
    }

    /// <summary>Stores the word of a narrow row whose <paramref name="length"/> bytes were just written.</summary>
    private void AddNarrow(int length, bool wrapped, RowKind kind, int columns)
    {
        var offset = ((ulong)(_narrowChunkCount - 1) << ChunkBits) | (uint)_narrowPosition;
        _narrowPosition += length;
        Chars += length;
        TextBytes += length;
        AddWord(offset
            | NarrowBit
            | ((ulong)length << LengthShift)
            | ((ulong)length << CellsShift)
            | ((ulong)kind << KindShift)
            | (wrapped ? WrappedBit : 0)
            | (length < columns ? LastBlankBit : 0));
    }

    /// <summary>
    /// Appends a live row of printable ASCII straight from the transcript's bytes, given as segments of one style
    /// each: what <see cref="Append"/> stores for a row printed with them and nothing else, at most a row wide.
    /// </summary>
    public void AppendSegments(ReadOnlySpan<byte> bytes, ReadOnlySpan<(int Start, int Length, int Style)> segments, bool wrapped, int columns)
    {
        if (columns != _widths[_widthCount - 1].Columns)
        {
            AddWidth(columns);
        }

        if (_position + (3 * columns) + 1 > _current.Length)
        {
            NewChunk((3 * columns) + 1);
        }

        var destination = _current.AsSpan(_position);
        var length = PackSegments(bytes, segments, destination, out var cells, out var styled);
        if (!styled)
        {
            AppendNarrow(destination[..length], wrapped, RowKind.Live, columns);
            return;
        }

        AddCharRow(length, cells, RowKind.Live, wrapped, styled, firstWide: false, lastBlank: cells < columns);
    }

    /// <summary>Stores the word of a row whose <paramref name="length"/> chars were just written at the current position.</summary>
    private void AddCharRow(int length, int cells, RowKind kind, bool wrapped, bool styled, bool firstWide, bool lastBlank)
    {
        var offset = ((ulong)(_chunkCount - 1) << ChunkBits) | (uint)_position;
        _position += length;
        Chars += length;
        TextBytes += 2L * length;
        AddWord(offset
            | ((ulong)length << LengthShift)
            | ((ulong)cells << CellsShift)
            | ((ulong)kind << KindShift)
            | (wrapped ? WrappedBit : 0)
            | (firstWide ? FirstWideBit : 0)
            | (lastBlank ? LastBlankBit : 0)
            | (styled ? StyledBit : 0));
    }

    /// <summary>
    /// Writes printable ASCII given as segments of one style each in the form <see cref="TerminalRow.Encode"/> writes
    /// for a row printed with them and nothing else: style runs first unless all is in the default style, then one
    /// char per byte. <paramref name="destination"/> holds at least three chars a cell and one more.
    /// </summary>
    /// <returns>The number of chars written.</returns>
    internal static int PackSegments(ReadOnlySpan<byte> bytes, ReadOnlySpan<(int Start, int Length, int Style)> segments, Span<char> destination, out int cells, out bool styled)
    {
        // Runs: a style change starts one (segments of no length change nothing); all in the default style is plain.
        var (runs, previous) = (0, -1);
        (cells, styled) = (0, false);
        foreach (var (_, length, style) in segments)
        {
            if (length > 0)
            {
                cells += length;
                styled |= style != 0;
                if (style != previous)
                {
                    (runs, previous) = (runs + 1, style);
                }
            }
        }

        var header = styled ? 1 + (2 * runs) : 0;
        var at = header;
        var run = -1;
        previous = -1;
        foreach (var (start, length, style) in segments)
        {
            if (length == 0)
            {
                continue;
            }

            Widen(bytes.Slice(start, length), destination.Slice(at, length));
            at += length;
            if (styled)
            {
                if (style != previous)
                {
                    (run, previous) = (run + 1, style);
                    destination[1 + (2 * run)] = '\0';
                    destination[2 + (2 * run)] = (char)style;
                }

                destination[1 + (2 * run)] += (char)length;
            }
        }

        if (styled)
        {
            destination[0] = (char)runs;
        }

        return at;
    }

    /// <summary>ASCII to chars: short runs by hand, where the library's vector code does not pay off yet.</summary>
    private static void Widen(ReadOnlySpan<byte> text, Span<char> chars)
    {
        if (text.Length <= 16)
        {
            for (var i = 0; i < text.Length && i < chars.Length; i++)
            {
                chars[i] = (char)text[i];
            }
        }
        else
        {
            System.Text.Ascii.ToUtf16(text, chars, out _);
        }
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
                // One aligned 64-bit write: a reader sees the row's old kind or its new one.
                ref var word = ref _rows[i >> RowChunkBits][i & (RowChunkSize - 1)];
                word = (word & ~(3UL << KindShift)) | ((ulong)to << KindShift);
                _lowestChanged = Math.Min(_lowestChanged, i);
            }
        }
    }

    /// <summary>Drops the last row.</summary>
    public void RemoveLast()
    {
        Count--;
        _lowestChanged = Math.Min(_lowestChanged, Count);
    }

    private ulong Word(int index) => Volatile.Read(ref _rows)[index >> RowChunkBits][index & (RowChunkSize - 1)];

    public RowKind KindOf(int index) => (RowKind)((Word(index) >> KindShift) & 3);

    public bool IsWrapped(int index) => (Word(index) & WrappedBit) != 0;

    public bool FirstCellWide(int index) => (Word(index) & FirstWideBit) != 0;

    public bool LastCellBlank(int index) => (Word(index) & LastBlankBit) != 0;

    public bool IsStyled(int index) => (Word(index) & StyledBit) != 0;

    public int Cells(int index) => (int)((Word(index) >> CellsShift) & 511);

    /// <summary>True when the row is kept as bytes (plain ASCII, no style).</summary>
    public bool IsNarrow(int index) => (Word(index) & NarrowBit) != 0;

    /// <summary>The most chars a narrow row holds: the scratch <see cref="Data"/> and <see cref="Text"/> may need.</summary>
    public const int MaxNarrowChars = MaxColumns;

    /// <summary>
    /// The row as encoded: runs (when styled) then text. A narrow row is widened into <paramref name="scratch"/> (at
    /// least <see cref="MaxNarrowChars"/> chars); any other row is read where it lies.
    /// </summary>
    public ReadOnlySpan<char> Data(int index, Span<char> scratch)
    {
        var row = Word(index);
        var offset = row & OffsetMask;
        var (chunk, position, length) = ((int)(offset >> ChunkBits), (int)(offset & (ChunkSize - 1)), (int)((row >> LengthShift) & 0x7FFF));
        if ((row & NarrowBit) != 0)
        {
            System.Text.Ascii.ToUtf16(Volatile.Read(ref _narrowChunks)[chunk].AsSpan(position, length), scratch, out _);
            return scratch[..length];
        }

        return Volatile.Read(ref _chunks)[chunk].AsSpan(position, length);
    }

    /// <summary>The row's text part: one char (or pair) per cell, blanks as NUL, combining marks inline.</summary>
    public ReadOnlySpan<char> Text(int index, Span<char> scratch)
    {
        var data = Data(index, scratch);
        return IsStyled(index) ? data[(1 + (2 * data[0]))..] : data;
    }

    /// <summary>True when no cell of the row shows a character.</summary>
    public bool IsBlank(int index)
    {
        foreach (var c in Text(index, stackalloc char[MaxNarrowChars]))
        {
            if (c != '\0')
            {
                return false;
            }
        }

        return true;
    }

    public TerminalRow Materialize(int index) => TerminalRow.Decode(Data(index, stackalloc char[MaxNarrowChars]), IsStyled(index), IsWrapped(index), ColumnsOf(index), Styles);

    /// <summary>The terminal's width when row <paramref name="index"/> was written.</summary>
    public int ColumnsOf(int index)
    {
        // The count first: an entry it covers was written, into the array read after it, before the count was.
        var count = Volatile.Read(ref _widthCount);
        var widths = Volatile.Read(ref _widths);
        var i = count - 1;
        while (i > 0 && widths[i].FirstRow > index)
        {
            i--;
        }

        return widths[i].Columns;
    }
}

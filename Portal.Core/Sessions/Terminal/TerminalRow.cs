using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// One row of cells. <see cref="IsWrapped"/> marks a row that continues the one above (a soft wrap). Cells are
/// packed in 8 bytes each (code point, width, style id). Only the screen holds row objects; rows that scroll into
/// history are packed into a <see cref="RowStore"/>; a row printed by the simple-lines path may start packed (see
/// <see cref="Pack"/>) and is unpacked the first time one of its cells is read or changed.
/// </summary>
public sealed class TerminalRow
{
    // Bits 0-20: code point (0 = blank). Bits 21-22: 0 = width 1, 1 = width 2, 2 = second half of a wide character.
    // Bits 32-63: style id.
    private const int WidthShift = 21;
    private const ulong CodePointMask = (1UL << WidthShift) - 1;
    private const ulong Wide = 1UL << WidthShift;
    private const ulong SecondHalf = 2UL << WidthShift;

    // A cell with any of these bits is outside the BMP, wide, or a wide character's second half.
    private const ulong NotSimple = 0x7FUL << 16;

    private readonly StyleTable _styles;
    private ulong[] _cells;

    // Cells at and after _used are all zero (blank, default style): scrolling and packing touch only the rest.
    private int _used;
    private Dictionary<int, string>? _combining;

    // A row the simple-lines path filled straight from the bytes stays in the form RowStore keeps (see Encode) until
    // a cell is read or written: most such rows only scroll off, and are then copied, never unpacked. While packed,
    // the cells are all blank.
    private char[]? _packed;
    private int _packedLength;
    private int _packedCells;
    private bool _isPacked;

    internal TerminalRow(int columns, StyleTable styles, int fillStyle = 0)
    {
        Columns = columns;
        _styles = styles;
        _cells = new ulong[columns];
        if (fillStyle != 0)
        {
            Array.Fill(_cells, (ulong)fillStyle << 32);
            _used = columns;
        }
    }

    /// <summary>The terminal's width when the row was written.</summary>
    public int Columns { get; private set; }

    /// <summary>True when this row continues the previous one.</summary>
    public bool IsWrapped { get; internal set; }

    /// <summary>True when no cell shows a character.</summary>
    public bool IsBlank
    {
        get
        {
            if (_isPacked)
            {
                return _packedCells == 0;
            }

            foreach (var cell in _cells.AsSpan(0, _used))
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
            Unpack();
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
        Unpack();
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

    internal int StyleIdAt(int column) => column < _cells.Length ? (int)(Unpacked[column] >> 32) : 0;

    internal bool IsWideAt(int column) => column < _cells.Length && (Unpacked[column] & (3UL << WidthShift)) == Wide;

    internal bool IsSecondHalfAt(int column) => column < _cells.Length && (Unpacked[column] & (3UL << WidthShift)) == SecondHalf;

    internal bool IsBlankAt(int column) => column >= _cells.Length || (Unpacked[column] & CodePointMask) == 0;

    /// <summary>The cells, unpacked first if the row was packed.</summary>
    private ulong[] Unpacked
    {
        get
        {
            Unpack();
            return _cells;
        }
    }

    /// <summary>Writes a character (width 1 or 2); a wide one takes the next cell as its second half.</summary>
    internal void Set(int column, int codePoint, int width, int style)
    {
        Unpack();
        _combining?.Remove(column);
        _cells[column] = (uint)codePoint | (width == 2 ? Wide : 0) | ((ulong)style << 32);
        _used = Math.Max(_used, column + 1);
    }

    /// <summary>Writes a run of printable ASCII from <paramref name="column"/> on; the caller makes sure it fits.</summary>
    internal void SetAscii(int column, ReadOnlySpan<byte> text, int style)
    {
        Unpack();
        var high = (ulong)style << 32;
        var cells = _cells.AsSpan(column, text.Length);
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = text[i] | high;
        }

        if (_combining is { Count: > 0 })
        {
            for (var i = column; i < column + text.Length; i++)
            {
                _combining.Remove(i);
            }
        }

        _used = Math.Max(_used, column + text.Length);
    }

    internal void SetSecondHalf(int column, int style)
    {
        Unpack();
        _combining?.Remove(column);
        _cells[column] = SecondHalf | ((ulong)style << 32);
        _used = Math.Max(_used, column + 1);
    }

    internal void SetBlank(int column, int style)
    {
        Unpack();
        _combining?.Remove(column);
        _cells[column] = (ulong)style << 32;
        if (style != 0)
        {
            _used = Math.Max(_used, column + 1);
        }
    }

    /// <summary>Adds a combining mark, ZWJ or variation selector to the character in a cell (capped per cell).</summary>
    internal void AddCombining(int column, int codePoint)
    {
        Unpack();
        _combining ??= [];
        var text = _combining.TryGetValue(column, out var existing) ? existing : string.Empty;
        if (text.Length < 32)
        {
            _combining[column] = text + char.ConvertFromUtf32(codePoint);
        }
    }

    internal void Fill(int from, int to, int style)
    {
        Unpack();
        from = Math.Max(0, from);
        to = Math.Min(to, Columns);
        if (from >= to)
        {
            return;
        }

        // As xterm.js does: erasing half of a wide character erases the other half too.
        if (from > 0 && IsSecondHalfAt(from))
        {
            _cells[from - 1] = (ulong)style << 32;
            _combining?.Remove(from - 1);
        }

        if (to < Columns && IsSecondHalfAt(to))
        {
            _cells[to] = (ulong)style << 32;
        }

        _cells.AsSpan(from, to - from).Fill((ulong)style << 32);
        if (style != 0)
        {
            _used = Math.Max(_used, Math.Min(to + 1, Columns));
        }

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
        Unpack();
        if (at >= Columns)
        {
            return;
        }

        count = Math.Min(count, Columns - at);
        Array.Copy(_cells, at, _cells, at + count, Columns - at - count);
        _used = Math.Min(Columns, _used + count);
        ShiftCombining(at, count);
        Fill(at, at + count, style);
    }

    internal void Delete(int at, int count, int style)
    {
        Unpack();
        if (at >= Columns)
        {
            return;
        }

        count = Math.Min(count, Columns - at);
        Array.Copy(_cells, at + count, _cells, at, Columns - at - count);
        if (style != 0)
        {
            _used = Columns;
        }
        ShiftCombining(at + count, -count);
        Fill(Columns - count, Columns, style);
    }

    /// <summary>
    /// Writes the row in the compact form <see cref="RowStore"/> keeps: when any cell has a style, a run count and
    /// runs of (chars, style id) first; then one char (two for a surrogate pair) per cell, a blank as NUL, second
    /// halves of wide characters left out, combining marks after their cell. Trailing blank default cells are dropped.
    /// </summary>
    /// <returns>The number of chars written.</returns>
    internal int Encode(Span<char> destination, out int cellCount, out bool styled, out bool firstWide, out bool lastBlank)
    {
        if (_isPacked)
        {
            (cellCount, styled, firstWide, lastBlank) = (_packedCells, PackedStyled, false, _packedCells < Columns);
            PackedData.CopyTo(destination);
            return _packedLength;
        }

        var end = _used;
        var cells = _cells;
        while (end > 0 && cells[end - 1] == 0)
        {
            end--;
        }

        cellCount = end;
        firstWide = (cells[0] & (3UL << WidthShift)) == Wide;
        lastBlank = (cells[Columns - 1] & CodePointMask) == 0;
        if (_combining is not { Count: > 0 } && EncodeSimple(destination, end, out styled) is var written and >= 0)
        {
            return written;
        }

        styled = false;
        for (var i = 0; i < end; i++)
        {
            if (cells[i] > uint.MaxValue)
            {
                styled = true;
                break;
            }
        }

        if (!styled && _combining is null)
        {
            // No style, no combining marks; ASCII and BMP characters are one char each.
            written = 0;
            for (var i = 0; i < end; i++)
            {
                var cell = cells[i];
                if (cell < 0x10000)
                {
                    destination[written++] = (char)cell;
                }
                else if ((cell & SecondHalf) == 0)
                {
                    var codePoint = (int)(cell & CodePointMask);
                    if (codePoint < 0x10000)
                    {
                        destination[written++] = (char)codePoint;
                    }
                    else
                    {
                        destination[written++] = (char)(((codePoint - 0x10000) >> 10) + 0xD800);
                        destination[written++] = (char)(((codePoint - 0x10000) & 0x3FF) + 0xDC00);
                    }
                }
            }

            return written;
        }

        var runs = 0;
        var previous = -1L;
        for (var i = 0; i < end; i++)
        {
            var style = (long)(cells[i] >> 32);
            if ((cells[i] & SecondHalf) == 0 && style != previous)
            {
                runs++;
                previous = style;
            }
        }

        var at = styled ? 1 + (2 * runs) : 0;
        var run = -1;
        previous = -1L;
        for (var i = 0; i < end; i++)
        {
            var cell = _cells[i];
            if ((cell & SecondHalf) != 0)
            {
                continue;
            }

            var start = at;
            var codePoint = (int)(cell & CodePointMask);
            if (codePoint < 0x10000)
            {
                destination[at++] = (char)codePoint;
            }
            else
            {
                var pair = char.ConvertFromUtf32(codePoint);
                destination[at++] = pair[0];
                destination[at++] = pair[1];
            }

            if (_combining is not null && _combining.TryGetValue(i, out var extra))
            {
                extra.AsSpan().CopyTo(destination[at..]);
                at += extra.Length;
            }

            if (styled)
            {
                var style = (long)(cell >> 32);
                if (style != previous)
                {
                    run++;
                    previous = style;
                    destination[1 + (2 * run)] = '\0';
                    destination[2 + (2 * run)] = (char)style;
                }

                destination[1 + (2 * run)] += (char)(at - start);
            }
        }

        if (styled)
        {
            destination[0] = (char)runs;
        }

        return at;
    }

    /// <summary>
    /// <see cref="Encode"/> for the commonest rows, every cell blank or one BMP character of width one and no combining
    /// marks: style runs found by comparing neighbours, the text narrowed from the cells a vector at a time. -1 (nothing
    /// written) for any other row.
    /// </summary>
    private int EncodeSimple(Span<char> destination, int end, out bool styled)
    {
        var cells = _cells.AsSpan(0, end);
        var all = 0UL;
        var runs = 0;
        var previous = ulong.MaxValue;
        foreach (var cell in cells)
        {
            all |= cell;
            if (cell >> 32 != previous)
            {
                (runs, previous) = (runs + 1, cell >> 32);
            }
        }

        styled = all > uint.MaxValue;
        if ((all & NotSimple) != 0)
        {
            styled = false;
            return -1;
        }

        var at = 0;
        if (styled)
        {
            destination[0] = (char)runs;
            var (run, length) = (0, 0);
            previous = cells[0] >> 32;
            foreach (var cell in cells)
            {
                if (cell >> 32 != previous)
                {
                    (destination[1 + (2 * run)], destination[2 + (2 * run)]) = ((char)length, (char)previous);
                    (run, length, previous) = (run + 1, 0, cell >> 32);
                }

                length++;
            }

            (destination[1 + (2 * run)], destination[2 + (2 * run)]) = ((char)length, (char)previous);
            at = 1 + (2 * runs);
        }

        Narrow(cells, destination.Slice(at, end));
        return at + end;
    }

    /// <summary>The low 16 bits of every cell (its character, for a simple cell) as chars.</summary>
    private static void Narrow(ReadOnlySpan<ulong> cells, Span<char> chars)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var source = ref MemoryMarshal.GetReference(cells);
            ref var target = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(chars));
            for (; i + 16 <= cells.Length; i += 16)
            {
                var first = Vector256.Narrow(Vector256.LoadUnsafe(ref source, (nuint)i), Vector256.LoadUnsafe(ref source, (nuint)i + 4));
                var second = Vector256.Narrow(Vector256.LoadUnsafe(ref source, (nuint)i + 8), Vector256.LoadUnsafe(ref source, (nuint)i + 12));
                Vector256.Narrow(first, second).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < cells.Length; i++)
        {
            chars[i] = (char)cells[i];
        }
    }

    /// <summary>The cells, for packing without a copy.</summary>
    internal ulong[] Cells => Unpacked;

    /// <summary>Cells from here on are zero.</summary>
    internal int Used
    {
        get
        {
            Unpack();
            return _used;
        }
    }

    /// <summary>True when some cell carries combining marks.</summary>
    internal bool HasCombining => _combining is { Count: > 0 };

    /// <summary>The most chars <see cref="Encode"/> can write for this row.</summary>
    internal int EncodedLengthBound => _isPacked ? _packedLength : (_used * 36) + 1;

    /// <summary>True while the row holds what <see cref="Pack"/> wrote and no cell was read or changed since.</summary>
    internal bool IsPacked => _isPacked;

    /// <summary>What <see cref="Encode"/> would write for the packed row.</summary>
    internal ReadOnlySpan<char> PackedData => _packed.AsSpan(0, _packedLength);

    /// <summary>How many cells the packed row fills, from the left.</summary>
    internal int PackedCells => _packedCells;

    /// <summary>True when the packed row carries style runs.</summary>
    internal bool PackedStyled { get; private set; }

    /// <summary>
    /// Makes a blank row (see <see cref="Reset"/>) hold printable ASCII from <paramref name="bytes"/> in segments of
    /// one style each, packed as <see cref="Encode"/> writes it; at most a row wide.
    /// </summary>
    internal void Pack(ReadOnlySpan<byte> bytes, ReadOnlySpan<(int Start, int Length, int Style)> segments)
    {
        System.Diagnostics.Debug.Assert(_used == 0 && !_isPacked, "only a blank row is packed");
        _packed ??= new char[(Columns * 3) + 1];
        _packedLength = RowStore.PackSegments(bytes, segments, _packed, out _packedCells, out var styled);
        PackedStyled = styled;
        _isPacked = true;
    }

    /// <summary>Turns a packed row into cells; nothing for a row that is not packed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unpack()
    {
        if (_isPacked)
        {
            UnpackCells();
        }
    }

    /// <summary>Turns the packed row into cells (a row packed from simple lines holds ASCII and style runs only).</summary>
    private void UnpackCells()
    {
        _isPacked = false;
        var data = _packed.AsSpan(0, _packedLength);
        var runCount = PackedStyled ? data[0] : 0;
        var text = data[(PackedStyled ? 1 + (2 * runCount) : 0)..];
        var cells = _cells.AsSpan(0, text.Length);
        if (!PackedStyled)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = text[i];
            }
        }
        else
        {
            var x = 0;
            for (var run = 0; run < runCount; run++)
            {
                var high = (ulong)data[2 + (2 * run)] << 32;
                var end = x + data[1 + (2 * run)];
                for (; x < end; x++)
                {
                    cells[x] = text[x] | high;
                }
            }
        }

        _used = text.Length;
    }

    /// <summary>Rebuilds a row from what <see cref="Encode"/> wrote.</summary>
    internal static TerminalRow Decode(ReadOnlySpan<char> data, bool styled, bool wrapped, int columns, StyleTable styles)
    {
        var row = new TerminalRow(columns, styles) { IsWrapped = wrapped };
        var runCount = styled ? data[0] : 0;
        var runs = styled ? data.Slice(1, 2 * runCount) : default;
        var text = data[(styled ? 1 + (2 * runCount) : 0)..];
        var run = 0;
        var runLeft = styled && runCount > 0 ? (int)runs[0] : int.MaxValue;
        var style = styled && runCount > 0 ? runs[1] : 0;
        var x = 0;
        var last = -1;
        for (var i = 0; i < text.Length;)
        {
            int codePoint = text[i];
            var length = 1;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(text[i], text[i + 1]);
                length = 2;
            }

            while (runLeft == 0 && run + 1 < runCount)
            {
                run++;
                runLeft = runs[2 * run];
                style = runs[(2 * run) + 1];
            }

            var width = codePoint == 0 || codePoint < 0x7F ? 1 : CharWidth.Of(codePoint);
            if (width == 0 && last >= 0)
            {
                row.AddCombining(last, codePoint);
            }
            else if (x < columns)
            {
                last = x;
                if (codePoint == 0)
                {
                    row.SetBlank(x++, style);
                }
                else
                {
                    row.Set(x++, codePoint, width == 2 ? 2 : 1, style);
                    if (width == 2 && x < columns)
                    {
                        row.SetSecondHalf(x++, style);
                    }
                }
            }

            i += length;
            runLeft -= length;
        }

        return row;
    }

    /// <summary>Makes the row blank again (every cell <paramref name="fillStyle"/>, no wrap), to be reused.</summary>
    internal void Reset(int fillStyle, bool isWrapped)
    {
        _isPacked = false; // while packed the cells are blank: what follows clears them as it would
        if (fillStyle == 0)
        {
            _cells.AsSpan(0, _used).Clear();
            _used = 0;
        }
        else
        {
            _cells.AsSpan().Fill((ulong)fillStyle << 32);
            _used = Columns;
        }

        _combining = null;
        IsWrapped = isWrapped;
    }

    /// <summary>Makes the row wider in place (the terminal grew): the new cells are blank.</summary>
    internal void Widen(int columns)
    {
        Unpack();
        if (columns <= Columns)
        {
            return;
        }

        var cells = new ulong[columns];
        Array.Copy(_cells, cells, _cells.Length);
        _cells = cells;
        Columns = columns;
    }

    internal TerminalRow Copy()
    {
        Unpack();
        var copy = new TerminalRow(Columns, _styles) { IsWrapped = IsWrapped };
        Array.Copy(_cells, copy._cells, _cells.Length);
        copy._used = _used;
        copy._combining = _combining is null ? null : new Dictionary<int, string>(_combining);
        return copy;
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

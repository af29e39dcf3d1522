using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A VT/xterm emulator for reading transcripts: bytes in, rows of styled cells out. It follows xterm.js where
/// terminals differ (deferred autowrap with a soft-wrap mark, ED 3 clears scrollback, the alternate screen has none),
/// so what it shows is what the session's user saw.
/// </summary>
public sealed class TerminalEmulator : IVtHandler
{
    private const int MaxTitleLength = 256;
    private const int ByteOrderMark = 0xFEFF;
    private const int SlowChunk = 256;

    /// <summary>The most lines <see cref="TrySimpleLines"/> takes at once (bounds its list).</summary>
    private const int SimpleLinesAtOnce = 4096;

    /// <summary>
    /// Rows a transcript may make beyond two per byte read. Output needs a byte per row (a line feed) and a byte per
    /// char, so no real session comes near the limits; a few bytes of scrolling or REP can ask for millions, and past
    /// either limit rendering stops and says so. The limits grow with the input, so no transcript is cut for its size.
    /// </summary>
    public const int BaseTranscriptRows = 1 << 20;

    /// <summary>Chars of row text a transcript may make beyond four per byte read (tabs and cursor moves make blanks).</summary>
    public const long BaseTranscriptChars = 64L << 20;

    private readonly VtParser _parser;
    private readonly Utf8Decoder _decoder = new();
    private readonly ScreenBuffer _normal;
    private readonly ScreenBuffer _alternate;
    private bool[] _tabStops;
    private readonly StyleTable _styles = new();
    private ScreenBuffer _active;
    private CellStyle _style = CellStyle.Default;
    private int _styleId;
    private Charsets _charsets;
    private bool _originMode;
    private bool _autoWrap = true;
    private bool _insertMode;
    private bool _newLineMode;
    private int _lastPrinted = -1;

    // Where the last look for simple lines found nothing it could take: no look again before this byte of the transcript.
    private long _noSimpleLinesBefore;

    // The parameters of a control sequence read from the bytes (kept, not allocated on the stack, which would be
    // cleared at every sequence), and the sub-parameter flags such a sequence never has.
    private readonly int[] _sequenceValues = new int[VtParser.MaxParams];
    private static readonly bool[] NoSubParameters = new bool[VtParser.MaxParams];
    private SimpleLine[]? _simpleLines;
    private (int Start, int Length, int Style)[]? _simpleSegments;

    // An auditor must be able to read what the terminal no longer shows: rows wiped by clear and the last screen
    // of full-screen programs are kept, attached after the live row they followed (or before everything).
    // Rows that left the screen, in transcript order, packed (RowStore). Kept rows attached to a screen row wait
    // here until that row leaves the screen too; rows from _liveFrom on are what xterm.js still holds.
    private readonly RowStore _history;
    private readonly Dictionary<TerminalRow, List<TranscriptRow>> _keptAfter = new(ReferenceEqualityComparer.Instance);
    private List<TranscriptRow> _pendingSnapshot = [];
    private int _liveFrom;
    private bool _finished;
    private bool _stopped;
    private readonly RenderBudget.Reservation? _reservation;
    private long _written;

    /// <summary>Creates a terminal of the given size, its rows taken from <paramref name="reservation"/> when given.</summary>
    public TerminalEmulator(int columns = 80, int rows = 24, RenderBudget.Reservation? reservation = null)
    {
        _reservation = reservation;
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, RowStore.MaxColumns);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Columns = columns;
        Rows = rows;
        _history = new RowStore(columns, _styles);
        Document = new TranscriptDocument(_history);
        _normal = new ScreenBuffer(columns, rows, _styles, ToHistory);
        _alternate = new ScreenBuffer(columns, rows, _styles, null);
        _active = _normal;
        _tabStops = new bool[columns];
        ResetTabStops();
        _parser = new VtParser(this);
    }

    /// <summary>Columns.</summary>
    public int Columns { get; private set; }

    /// <summary>
    /// What the auditor reads, growing while the terminal is written to: rows that left the screen are readable once
    /// <see cref="Publish"/> is called, the rest when <see cref="Finish"/> is.
    /// </summary>
    public TranscriptDocument Document { get; }

    /// <summary>Screen rows.</summary>
    public int Rows { get; private set; }

    /// <summary>The last window title set with OSC 0 or 2, if any.</summary>
    public string? Title { get; private set; }

    /// <summary>True while a full-screen program has the alternate screen.</summary>
    public bool IsAlternateScreen => _active == _alternate;

    /// <summary>True when the transcript made far more rows or chars than its bytes could (see <see cref="BaseTranscriptRows"/>) and the rest was not rendered.</summary>
    public bool IsTruncated => _stopped;

    /// <summary>True when rendering stopped because the process-wide <see cref="RenderBudget"/> was spent.</summary>
    public bool IsOverBudget { get; private set; }

    /// <summary>How often a program switched to the alternate screen.</summary>
    public int AlternateScreenEntries { get; private set; }

    /// <summary>
    /// The normal buffer as xterm.js holds it: scrollback since the last clear, then the screen. Built on demand from
    /// the packed history (each call makes new row objects), so it is for tests and small transcripts.
    /// </summary>
    public IReadOnlyList<TerminalRow> NormalBuffer
    {
        get
        {
            var rows = new List<TerminalRow>();
            for (var i = _liveFrom; i < _history.Count; i++)
            {
                if (_history.KindOf(i) == RowKind.Live)
                {
                    rows.Add(_history.Materialize(i));
                }
            }

            rows.AddRange(_normal.Lines);
            return rows;
        }
    }

    /// <summary>The visible screen of the active buffer.</summary>
    public IEnumerable<TerminalRow> Screen => _active.Lines;

    /// <summary>How many rows went straight from the bytes to history (<see cref="TrySimpleLines"/>), for tests.</summary>
    internal long RowsStoredFromBytes { get; private set; }

    /// <summary>Cursor position on the screen (column may equal <see cref="Columns"/> while a wrap is pending).</summary>
    public (int Column, int Row) Cursor => (_active.X, _active.Y);

    /// <summary>Feeds raw transcript bytes (UTF-8; invalid bytes become U+FFFD).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The transcript is finished; create a new terminal to write more.");
        }

        _written += bytes.Length;

        // Printable ASCII in the ground state (most of any transcript) goes straight from the bytes to the cells;
        // everything else is decoded to code points and stepped through the parser.
        Span<int> decoded = stackalloc int[SlowChunk + 4];
        while (!bytes.IsEmpty && !_stopped)
        {
            if (_parser.IsGround && _decoder.IsIdle)
            {
                if (bytes[0] == 0x1B && (TryControlSequence(ref bytes) || TryOperatingSystemCommand(ref bytes)))
                {
                    continue;
                }

                // Simple lines start at the left edge (checked here: most text is printed elsewhere on a row).
                if (_active.X == 0 && TrySimpleLines(ref bytes))
                {
                    continue;
                }

                var run = PrintableRun(bytes);
                if (run != 0)
                {
                    var length = run < 0 ? bytes.Length : run;
                    PrintAscii(bytes[..length]);
                    bytes = bytes[length..];
                    continue;
                }

                // C0 controls but ESC, CAN and SUB act the same in the ground state whatever comes next.
                if (bytes[0] < 0x20 && bytes[0] is not (0x1B or 0x18 or 0x1A))
                {
                    Execute(bytes[0]);
                    bytes = bytes[1..];
                    continue;
                }
            }

            // Inside a sequence, ASCII goes to the parser as it is.
            if (_decoder.IsIdle && bytes[0] < 0x80)
            {
                _parser.ParseOne(bytes[0]);
                bytes = bytes[1..];
                continue;
            }

            // Up to the next printable ASCII byte that could start a fast run (or a chunk's worth).
            var take = 1;
            while (take < bytes.Length && take < SlowChunk && bytes[take] is < 0x20 or > 0x7E)
            {
                take++;
            }

            var count = _decoder.Decode(bytes[..take], decoded);
            _parser.Parse(decoded[..count]);
            bytes = bytes[take..];
        }
    }

    /// <summary>
    /// A control sequence of the commonest shape, <c>ESC [</c>, decimal parameters separated by <c>;</c>, a final
    /// byte (colours, cursor moves, erases), read straight from the bytes and dispatched as the parser would have;
    /// false (nothing read) for anything else or a sequence cut by the end of the bytes, which the parser takes.
    /// </summary>
    private bool TryControlSequence(ref ReadOnlySpan<byte> bytes)
    {
        var values = _sequenceValues;
        var length = ReadParameters(bytes, values, out var count, out var final, out var marker);
        if (length == 0)
        {
            return false;
        }

        ((IVtHandler)this).CsiDispatch(new CsiParams(values, NoSubParameters, count), marker, final);
        bytes = bytes[length..];
        return true;
    }

    /// <summary>
    /// The commonest shape of shell output, lines of printable ASCII (coloured or not: SGR sequences between the
    /// characters) each ended by CR LF, a prompt's line with its command as much as a listing, arriving with the cursor
    /// at the start of the blank bottom row of the normal screen: the screen's rows go to history as scrolling would
    /// send them, the lines that would scroll off before the last ones go straight from the bytes to history, and the
    /// last screenful is packed into the screen's rows (<see cref="TerminalRow.Pack"/>: unpacked only if something
    /// reads or changes them before they scroll off). What is stored is what printing them one by one stores; false
    /// (nothing done) when not even one line has the shape.
    /// </summary>
    private bool TrySimpleLines(ref ReadOnlySpan<byte> bytes)
    {
        var buffer = _active;
        var at = _written - bytes.Length;
        if (at < _noSimpleLinesBefore || buffer != _normal || buffer.X != 0 || buffer.Y != Rows - 1 || buffer.ScrollTop != 0
            || buffer.ScrollBottom != Rows - 1 || EraseId() != 0 || _insertMode || _charsets.LineDrawing || !_autoWrap)
        {
            return false;
        }

        var bottom = buffer.Row(Rows - 1);
        if (bottom.Used != 0 || bottom.IsWrapped || _keptAfter.ContainsKey(bottom))
        {
            return false;
        }

        // Find the lines: runs of printable ASCII and colour changes, then one or more CR, then LF. Rows are what
        // autowrap makes of each; a line with colours is taken only if it fits one row.
        var lines = _simpleLines ??= new SimpleLine[SimpleLinesAtOnce];
        var segments = _simpleSegments ??= new (int Start, int Length, int Style)[SimpleLinesAtOnce * 4];
        var values = _sequenceValues;
        var (style, styleId) = (_style, _styleId);
        var (count, segmentCount, rows, position, chars) = (0, 0, 0, 0, 0L);
        while (position < bytes.Length && count < SimpleLinesAtOnce)
        {
            var (p, firstSegment, cells, lineStyle, lineStyleId, ended) = (position, segmentCount, 0, style, styleId, false);
            while (p < bytes.Length && segmentCount < segments.Length)
            {
                var run = PrintableRun(bytes[p..]);
                if (run < 0)
                {
                    break; // the rest is text: no line end yet
                }

                if (run > 0)
                {
                    segments[segmentCount++] = (p, run, lineStyleId);
                    cells += run;
                    p += run;
                }

                if (bytes[p] == 0x1B)
                {
                    var length = ReadParameters(bytes[p..], values, out var parameters, out var final, out var marker);
                    if (length == 0 || final != 'm' || marker != 0)
                    {
                        break;
                    }

                    Sgr.Apply(new CsiParams(values, NoSubParameters, parameters), ref lineStyle);
                    lineStyleId = _styles.IdOf(lineStyle);
                    p += length;
                    continue;
                }

                var end = p;
                while (end < bytes.Length && bytes[end] == '\r')
                {
                    end++;
                }

                ended = end > p && end < bytes.Length && bytes[end] == '\n';
                p = end + 1;
                break;
            }

            var plain = segmentCount - firstSegment <= 1 && (segmentCount == firstSegment || segments[firstSegment].Style == 0);
            if (!ended || (!plain && cells > Columns) || lineStyle.Background != CellStyle.DefaultColor)
            {
                segmentCount = firstSegment;
                break; // not a simple line, too long to wrap here, or a line feed that would fill with a colour
            }

            lines[count++] = new SimpleLine(firstSegment, segmentCount - firstSegment, cells);
            rows += cells <= Columns ? 1 : (cells + Columns - 1) / Columns;
            chars += cells;
            (position, style, styleId) = (p, lineStyle, lineStyleId);
        }

        chars += (long)(Rows - 1) * Columns * 3; // at most, for the screen's rows and the colour runs
        if (rows == 0 || _history.Count + rows >= BaseTranscriptRows + (2 * _written) || _history.Chars + chars >= BaseTranscriptChars + (4 * _written)
            || (_reservation is not null && !_reservation.TryGrowTo(_history.TextBytes + (chars * 2) + ((long)(_history.Count + rows) * 8))))
        {
            _noSimpleLinesBefore = at + position + 1;
            return false; // no whole line, or near a limit the one-by-one path stops at exactly
        }

        // As many of the screen's rows scroll off first as the new rows push up (all above the cursor's row, for a
        // screenful or more); the blank rows that come in below are where the last new rows are packed.
        var scrolled = Math.Min(rows, Rows - 1);
        for (var i = 0; i < scrolled; i++)
        {
            buffer.ScrollUp(0);
        }

        // Then every new row but the last of them (a screenful less the cursor's row, at most) goes straight to
        // history; those are packed into the rows that came in.
        var direct = rows - scrolled;
        var row = 0;
        var screenRow = Rows - 1 - scrolled;
        foreach (var line in lines.AsSpan(0, count))
        {
            var parts = segments.AsSpan(line.FirstSegment, line.Segments);
            if (line.Cells <= Columns)
            {
                if (row++ < direct)
                {
                    if (parts.Length == 0 || (parts.Length == 1 && parts[0].Style == 0))
                    {
                        _history.AppendAscii(parts.Length == 0 ? default : bytes.Slice(parts[0].Start, parts[0].Length), wrapped: false, Columns);
                    }
                    else
                    {
                        _history.AppendSegments(bytes, parts, wrapped: false, Columns);
                    }

                    RowsStoredFromBytes++;
                    continue;
                }

                var target = buffer.Row(screenRow++);
                target.Reset(0, isWrapped: false);
                target.Pack(bytes, parts);
                continue;
            }

            // One plain segment longer than a row: autowrap cuts it.
            var text = bytes.Slice(parts[0].Start, parts[0].Length);
            var pieces = (line.Cells + Columns - 1) / Columns;
            for (var piece = 0; piece < pieces; piece++, row++)
            {
                var part = text.Slice(piece * Columns, Math.Min(Columns, text.Length - (piece * Columns)));
                if (row < direct)
                {
                    _history.AppendAscii(part, wrapped: piece > 0, Columns);
                    RowsStoredFromBytes++;
                    continue;
                }

                var target = buffer.Row(screenRow++);
                target.Reset(0, isWrapped: piece > 0);
                target.Pack(bytes, [(parts[0].Start + (piece * Columns), part.Length, 0)]);
            }
        }

        for (var i = segmentCount - 1; i >= 0; i--)
        {
            if (segments[i].Length > 0)
            {
                _lastPrinted = bytes[segments[i].Start + segments[i].Length - 1];
                break;
            }
        }

        (_style, _styleId) = (style, styleId);
        bytes = bytes[position..];
        return true;
    }

    /// <summary>
    /// Reads <c>ESC [</c>, an optional <c>?</c> (DEC private modes), decimal parameters separated by <c>;</c> and a
    /// final byte, as the parser would; 0 (nothing read) for any other shape or a sequence cut by the end of the bytes.
    /// </summary>
    private static int ReadParameters(ReadOnlySpan<byte> bytes, Span<int> values, out int count, out int final, out int marker)
    {
        (count, final, marker) = (0, 0, 0);
        if (bytes.Length < 3 || bytes[1] != (byte)'[')
        {
            return 0;
        }

        var from = 2;
        if (bytes[2] == (byte)'?')
        {
            (marker, from) = ('?', 3);
        }

        var started = false;
        for (var i = from; i < bytes.Length; i++)
        {
            var c = bytes[i];
            if (c is >= (byte)'0' and <= (byte)'9' or (byte)';')
            {
                if (!started)
                {
                    (started, count, values[0]) = (true, 1, 0);
                }

                if (c == ';')
                {
                    if (count == VtParser.MaxParams)
                    {
                        return 0; // past what the parser keeps: it decides
                    }

                    values[count++] = 0;
                }
                else
                {
                    values[count - 1] = Math.Min(VtParser.MaxParamValue, (values[count - 1] * 10) + (c - '0'));
                }
            }
            else if (c is >= 0x40 and <= 0x7E)
            {
                final = c;
                return i + 1;
            }
            else
            {
                return 0; // another private marker, an intermediate, a sub-parameter or a control inside
            }
        }

        return 0;
    }

    /// <summary>
    /// An operating system command of printable ASCII ended by BEL (how shells set the window title at every prompt),
    /// read straight from the bytes and dispatched as the parser would; false (nothing read) for anything else, which
    /// the parser takes.
    /// </summary>
    private bool TryOperatingSystemCommand(ref ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || bytes[1] != (byte)']')
        {
            return false;
        }

        var payload = bytes[2..];
        var length = PrintableRun(payload);
        if (length < 0 || length > VtParser.MaxOscLength || payload[length] != 0x07)
        {
            return false;
        }

        OperatingSystemCommand(payload[..length]);
        bytes = bytes[(length + 3)..];
        return true;
    }

    /// <summary>A simple line: its segments (text in one style) and how many cells they fill.</summary>
    private readonly record struct SimpleLine(int FirstSegment, int Segments, int Cells);

    /// <summary>Autowrap: the cursor moves to the start of the next row (scrolling at the bottom), marked as a soft wrap.</summary>
    private TerminalRow SoftWrap(ScreenBuffer buffer)
    {
        buffer.Y++;
        if (buffer.Y == buffer.ScrollBottom + 1)
        {
            buffer.Y--;
            buffer.ScrollUp(EraseId(), isWrapped: true);
        }
        else
        {
            if (buffer.Y >= Rows)
            {
                buffer.Y = Rows - 1;
            }

            buffer.Row(buffer.Y).IsWrapped = true;
        }

        buffer.X = 0;
        return buffer.Row(buffer.Y);
    }

    /// <summary>
    /// How many bytes from the start are printable ASCII (-1 for all). Sixteen bytes are tested at a time: most runs
    /// in shell output are a few words long, under what <see cref="MemoryExtensions.IndexOfAnyExceptInRange{T}(ReadOnlySpan{T}, T, T)"/>
    /// pays off for.
    /// </summary>
    private static int PrintableRun(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(bytes);
            var low = Vector128.Create((byte)0x20);
            var span = Vector128.Create((byte)(0x7E - 0x20));
            for (; i + Vector128<byte>.Count <= bytes.Length; i += Vector128<byte>.Count)
            {
                // Bytes outside 0x20-0x7E wrap around above 0x5E once 0x20 is taken off.
                var outside = Vector128.GreaterThan(Vector128.LoadUnsafe(ref start, (nuint)i) - low, span).ExtractMostSignificantBits();
                if (outside != 0)
                {
                    return i + BitOperations.TrailingZeroCount(outside);
                }
            }
        }

        for (; i < bytes.Length; i++)
        {
            if (bytes[i] is < 0x20 or > 0x7E)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// What both print paths do first: printing ends a pending wipe, and writing over the second half of a wide
    /// character blanks its first half.
    /// </summary>
    private (ScreenBuffer Buffer, TerminalRow Row, int Style) StartPrint()
    {
        var buffer = _active;
        var row = buffer.Row(buffer.Y);
        var style = _styleId;
        if (buffer.X > 0 && buffer.X < Columns && row.IsWideAt(buffer.X - 1))
        {
            row.SetBlank(buffer.X - 1, style);
        }

        return (buffer, row, style);
    }

    /// <summary>Writes a run of printable ASCII at the cursor: the common case, without decoding or per-character checks.</summary>
    private void PrintAscii(ReadOnlySpan<byte> text)
    {
        if (_insertMode || _charsets.LineDrawing)
        {
            Span<int> codePoints = stackalloc int[256];
            while (!text.IsEmpty)
            {
                var n = Math.Min(text.Length, codePoints.Length);
                for (var i = 0; i < n; i++)
                {
                    codePoints[i] = text[i];
                }

                ((IVtHandler)this).Print(codePoints[..n]);
                text = text[n..];
            }

            return;
        }

        var (buffer, row, style) = StartPrint();

        _lastPrinted = text[^1];
        while (!text.IsEmpty)
        {
            if (buffer.X >= Columns)
            {
                if (!_autoWrap)
                {
                    // Without autowrap every further character lands on the last column.
                    row.SetAscii(Columns - 1, text[^1..], style);
                    break;
                }

                row = SoftWrap(buffer);
            }

            var fits = Math.Min(text.Length, Columns - buffer.X);
            row.SetAscii(buffer.X, text[..fits], style);
            buffer.X += fits;
            text = text[fits..];
        }

        // Writing over the first half of a wide character blanks its orphaned second half.
        if (buffer.X < Columns && row.IsSecondHalfAt(buffer.X))
        {
            row.SetBlank(buffer.X, style);
        }
    }

    /// <summary>Logical lines of the normal buffer: soft-wrapped rows joined, trailing spaces trimmed.</summary>
    public IReadOnlyList<string> LogicalLines() =>
        [.. JoinWrapped(NormalBuffer.Select(row => new TranscriptRow(row, RowKind.Live)).ToList()).Select(line => line.Text)];

    /// <summary>
    /// Every row an auditor should read, in order: rows wiped by clear, the live normal buffer, and the last screen
    /// of each full-screen program where it exited. The <see cref="RowKind.Live"/> rows are exactly
    /// <see cref="NormalBuffer"/>.
    /// </summary>
    public IReadOnlyList<TranscriptRow> Transcript()
    {
        var rows = new List<TranscriptRow>(_history.Count + Rows);
        for (var i = 0; i < _history.Count; i++)
        {
            rows.Add(new TranscriptRow(_history.Materialize(i), _history.KindOf(i)));
        }

        foreach (var row in _normal.Lines)
        {
            rows.Add(new TranscriptRow(row, RowKind.Live));
            if (_keptAfter.TryGetValue(row, out var kept))
            {
                rows.AddRange(kept);
            }
        }

        return rows;
    }

    /// <summary>
    /// Ends the transcript and hands over everything an auditor reads, packed: the history, then the screen
    /// without the empty rows below the last output (those are the terminal's, not the session's).
    /// </summary>
    public TranscriptDocument Finish()
    {
        if (!_finished)
        {
            _finished = true;
            CommitScreen(RowKind.Live);
            while (_history.Count > 1 && _history.KindOf(_history.Count - 1) == RowKind.Live && _history.IsBlank(_history.Count - 1))
            {
                _history.RemoveLast();
            }

            Document.Complete(Title, Rows, _stopped, IsOverBudget, _reservation);
        }

        return Document;
    }

    /// <summary>
    /// Makes the terminal larger, as when the user enlarged the window: rows get blank cells on the right and blank
    /// rows come in below; nothing moves and nothing already written changes. It never shrinks.
    /// </summary>
    public void Grow(int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, RowStore.MaxColumns);
        if (columns <= Columns && rows <= Rows)
        {
            return;
        }

        _normal.Grow(columns, rows);
        _alternate.Grow(columns, rows);
        if (columns > Columns)
        {
            var stops = new bool[columns];
            _tabStops.CopyTo(stops, 0);
            for (var i = Columns; i < columns; i++)
            {
                stops[i] = i % 8 == 0;
            }

            _tabStops = stops;
        }

        Columns = Math.Max(columns, Columns);
        Rows = Math.Max(rows, Rows);
    }

    /// <summary>Makes the rows that left the screen so far readable in <see cref="Document"/>, while writing goes on.</summary>
    public void Publish() => Document.Publish();

    /// <summary>Ends a render that failed: what was published stays readable, and the document's completion faults.</summary>
    public void Fail(Exception error)
    {
        _finished = true;
        Document.Fail(error, _reservation);
    }

    /// <summary>Logical lines of <see cref="Transcript"/>: soft-wrapped rows joined, trailing spaces trimmed.</summary>
    public IReadOnlyList<(string Text, RowKind Kind, int FirstRow)> TranscriptLines() => JoinWrapped(Transcript());

    void IVtHandler.Print(ReadOnlySpan<int> codePoints)
    {
        var (buffer, row, style) = StartPrint();

        var lineDrawing = _charsets.LineDrawing;
        foreach (var raw in codePoints)
        {
            int c;
            int width;
            if (raw < 0x7F)
            {
                c = lineDrawing ? Charsets.Map(raw) : raw;
                width = 1;
            }
            else
            {
                if (raw == ByteOrderMark)
                {
                    // A BOM in mid-stream is an encoding artefact, not text: terminals show nothing for it.
                    continue;
                }

                c = raw;
                width = CharWidth.Of(c);
                if (width == 0)
                {
                    if (buffer.X > 0)
                    {
                        // Combining marks, ZWJ and variation selectors join the character before them.
                        row.AddCombining(row.IsSecondHalfAt(buffer.X - 1) && buffer.X > 1 ? buffer.X - 2 : buffer.X - 1, c);
                    }

                    continue;
                }
            }

            if (buffer.X + width - 1 >= Columns)
            {
                if (_autoWrap)
                {
                    row.Fill(buffer.X, Columns, style);
                    row = SoftWrap(buffer);
                }
                else
                {
                    buffer.X = Columns - 1;
                    if (width == 2)
                    {
                        continue;
                    }
                }
            }

            if (_insertMode)
            {
                row.Insert(buffer.X, width, style);
                if (row.IsWideAt(Columns - 1))
                {
                    row.SetBlank(Columns - 1, style);
                }
            }

            row.Set(buffer.X++, c, width, style);
            if (width == 2)
            {
                row.SetSecondHalf(buffer.X++, style);
            }

            _lastPrinted = c;
        }

        // Writing over the first half of a wide character blanks its orphaned second half.
        if (buffer.X < Columns && row.IsSecondHalfAt(buffer.X))
        {
            row.SetBlank(buffer.X, style);
        }
    }

    void IVtHandler.Execute(int control) => Execute(control);

    private void Execute(int control)
    {
        var buffer = _active;
        switch (control)
        {
            case 0x07:
                return;
            case 0x08:
                RestrictCursor();
                if (buffer.X > 0)
                {
                    buffer.X--;
                }

                return;
            case 0x09:
                Tab();
                return;
            case 0x0A or 0x0B or 0x0C:
                if (_newLineMode)
                {
                    buffer.X = 0;
                }

                LineFeed();
                return;
            case 0x84:
                LineFeed();
                return;
            case 0x0D:
                buffer.X = 0;
                return;
            case 0x0E:
                _charsets = _charsets with { ShiftOut = true };
                return;
            case 0x0F:
                _charsets = _charsets with { ShiftOut = false };
                return;
            case 0x85:
                buffer.X = 0;
                LineFeed();
                return;
            case 0x88:
                _tabStops[Math.Min(buffer.X, Columns - 1)] = true;
                return;
            case 0x8D:
                ReverseIndex();
                return;
            default:
                return;
        }
    }

    void IVtHandler.EscDispatch(int intermediates, int final)
    {
        var buffer = _active;
        switch (intermediates, (char)final)
        {
            case (0, '7'):
                SaveCursor();
                return;
            case (0, '8'):
                RestoreCursor();
                return;
            case (0, 'D'):
                LineFeed();
                return;
            case (0, 'E'):
                buffer.X = 0;
                LineFeed();
                return;
            case (0, 'H'):
                _tabStops[Math.Min(buffer.X, Columns - 1)] = true;
                return;
            case (0, 'M'):
                ReverseIndex();
                return;
            case (0, 'c'):
                FullReset();
                return;
            case ('(', '0'):
                _charsets = _charsets with { G0LineDrawing = true };
                return;
            case ('(', _):
                _charsets = _charsets with { G0LineDrawing = false };
                return;
            case (')', '0'):
                _charsets = _charsets with { G1LineDrawing = true };
                return;
            case (')', _):
                _charsets = _charsets with { G1LineDrawing = false };
                return;
            case ('#', '8'):
                // DECALN: fill the screen with E.
                for (var y = 0; y < Rows; y++)
                {
                    var row = buffer.Row(y);
                    for (var x = 0; x < Columns; x++)
                    {
                        row.Set(x, 'E', 1, 0);
                    }

                    row.IsWrapped = false;
                }

                buffer.X = buffer.Y = 0;
                return;
            default:
                return;
        }
    }

    void IVtHandler.CsiDispatch(CsiParams p, int intermediates, int final)
    {
        var buffer = _active;
        var privateMarker = intermediates & 0xFF;
        if (intermediates != 0 && privateMarker != '?')
        {
            // DECSCUSR, DECSTR and friends change nothing a transcript shows; DECSTR resets modes.
            if (intermediates == '!' && final == 'p')
            {
                SoftReset();
            }

            return;
        }

        if (privateMarker == '?')
        {
            if (final is 'h' or 'l')
            {
                for (var i = 0; i < Math.Max(p.Count, 1); i++)
                {
                    SetPrivateMode(p.Raw(i), final == 'h');
                }
            }
            else if (final == 'J')
            {
                EraseInDisplay(p.Raw(0));
            }
            else if (final == 'K')
            {
                EraseInLine(p.Raw(0));
            }

            return;
        }

        switch ((char)final)
        {
            case '@':
                RestrictCursor();
                buffer.Row(buffer.Y).Insert(buffer.X, p.Get(0, 1), EraseId());
                return;
            case 'A':
                CursorUp(p.Get(0, 1));
                return;
            case 'B' or 'e':
                CursorDown(p.Get(0, 1));
                return;
            case 'C' or 'a':
                buffer.X += p.Get(0, 1);
                RestrictCursor();
                return;
            case 'D':
                RestrictCursor();
                buffer.X -= p.Get(0, 1);
                RestrictCursor();
                return;
            case 'E':
                CursorDown(p.Get(0, 1));
                buffer.X = 0;
                return;
            case 'F':
                CursorUp(p.Get(0, 1));
                buffer.X = 0;
                return;
            case 'G' or '`':
                buffer.X = p.Get(0, 1) - 1;
                RestrictCursor();
                return;
            case 'H' or 'f':
                CursorPosition(p.Get(0, 1), p.Get(1, 1));
                return;
            case 'I':
                for (var i = p.Get(0, 1); i > 0; i--)
                {
                    Tab();
                }

                return;
            case 'J':
                EraseInDisplay(p.Raw(0));
                return;
            case 'K':
                EraseInLine(p.Raw(0));
                return;
            case 'L':
                ShiftLines(p.Get(0, 1), up: false);
                return;
            case 'M':
                ShiftLines(p.Get(0, 1), up: true);
                return;
            case 'P':
                RestrictCursor();
                buffer.Row(buffer.Y).Delete(buffer.X, p.Get(0, 1), EraseId());
                return;
            case 'S':
                for (var i = Math.Min(p.Get(0, 1), Rows); i > 0; i--)
                {
                    buffer.ScrollUp(EraseId());
                }

                return;
            case 'T' when p.Count <= 1:
                for (var i = Math.Min(p.Get(0, 1), Rows); i > 0; i--)
                {
                    buffer.ScrollDown(EraseId());
                }

                return;
            case 'X':
                RestrictCursor();
                buffer.Row(buffer.Y).Fill(buffer.X, buffer.X + p.Get(0, 1), EraseId());
                return;
            case 'Z':
                for (var i = p.Get(0, 1); i > 0 && buffer.X > 0; i--)
                {
                    buffer.X = PreviousTabStop();
                }

                return;
            case 'b':
                Repeat(p.Get(0, 1));
                return;
            case 'd':
                CursorPosition(p.Get(0, 1), buffer.X + 1);
                return;
            case 'g':
                if (p.Raw(0) == 0)
                {
                    _tabStops[Math.Min(buffer.X, Columns - 1)] = false;
                }
                else if (p.Raw(0) == 3)
                {
                    Array.Clear(_tabStops);
                }

                return;
            case 'h' or 'l':
                for (var i = 0; i < p.Count; i++)
                {
                    switch (p.Raw(i))
                    {
                        case 4:
                            _insertMode = final == 'h';
                            break;
                        case 20:
                            _newLineMode = final == 'h';
                            break;
                    }
                }

                return;
            case 'm':
                Sgr.Apply(p, ref _style);
                _styleId = _styles.IdOf(_style);
                return;
            case 'r':
                SetScrollRegion(p.Get(0, 1), p.Get(1, Rows));
                return;
            case 's':
                SaveCursor();
                return;
            case 'u':
                RestoreCursor();
                return;
            default:
                return;
        }
    }

    void IVtHandler.OscDispatch(string payload)
    {
        // Only titles are kept (as metadata); hyperlinks (8), clipboard (52) and colour queries are inert.
        var separator = payload.IndexOf(';', StringComparison.Ordinal);
        if (separator > 0 && payload[..separator] is "0" or "2")
        {
            var title = payload[(separator + 1)..];
            Title = title.Length > MaxTitleLength ? title[..MaxTitleLength] : title;
        }
    }

    /// <summary>What <see cref="IVtHandler.OscDispatch"/> does with a payload of printable ASCII, without a string unless the title changes.</summary>
    private void OperatingSystemCommand(ReadOnlySpan<byte> payload)
    {
        var separator = payload.IndexOf((byte)';');
        if (separator == 1 && payload[0] is (byte)'0' or (byte)'2')
        {
            var title = payload[2..];
            title = title.Length > MaxTitleLength ? title[..MaxTitleLength] : title;
            if (Title is null || !Ascii.Equals(title, Title))
            {
                Title = Encoding.ASCII.GetString(title);
            }
        }
    }

    /// <summary>
    /// Joins soft-wrapped rows of one kind into logical lines, as xterm.js's search does: continued rows count at full
    /// width (less the empty last cell a wide character skipped), the joined line loses its trailing spaces.
    /// </summary>
    private List<(string Text, RowKind Kind, int FirstRow)> JoinWrapped(IReadOnlyList<TranscriptRow> rows)
    {
        var lines = new List<(string, RowKind, int)>();
        var builder = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            builder.Clear();
            var j = i;
            while (j + 1 < rows.Count && rows[j + 1].Row.IsWrapped && rows[j + 1].Kind == rows[i].Kind)
            {
                builder.Append(ContinuedText(rows[j].Row, rows[j + 1].Row));
                j++;
            }

            builder.Append(rows[j].Row.ToText(trimRight: false));
            lines.Add((builder.ToString().TrimEnd(' '), rows[i].Kind, i));
            i = j;
        }

        return lines;
    }

    /// <summary>A row followed by a soft wrap: its full width, less the empty last cell a wide character skipped.</summary>
    private string ContinuedText(TerminalRow row, TerminalRow next)
    {
        var dropLast = next.IsWideAt(0) && row.IsBlankAt(Columns - 1);
        return row.ToText(trimRight: false, columns: dropLast ? Columns - 1 : null);
    }

    /// <summary>Copies the non-blank part of the active screen, to keep what is about to disappear.</summary>
    private List<TranscriptRow> CopyScreen(ScreenBuffer buffer, RowKind kind)
    {
        var last = Rows - 1;
        while (last >= 0 && buffer.Row(last).IsBlank)
        {
            last--;
        }

        var copies = new List<TranscriptRow>(last + 1);
        for (var y = 0; y <= last; y++)
        {
            copies.Add(new TranscriptRow(buffer.Row(y).Copy(), kind));
        }

        return copies;
    }

    /// <summary>A row scrolled off the top of the normal screen: into history, with the rows kept after it.</summary>
    private void ToHistory(TerminalRow row)
    {
        _history.Append(row, RowKind.Live);
        if (_keptAfter.Count > 0 && _keptAfter.Remove(row, out var kept))
        {
            _history.AppendRange(kept);
        }

        if (_history.Count >= BaseTranscriptRows + (2 * _written) || _history.Chars >= BaseTranscriptChars + (4 * _written))
        {
            _stopped = true;
        }

        // The text's bytes and a word a row: taken from the budget a step at a time, so this is one comparison a row.
        if (_reservation is not null && _history.TextBytes + (long)_history.Count * 8 is var bytes && bytes > _reservation.Held && !_reservation.TryGrowTo(bytes))
        {
            _stopped = true;
            IsOverBudget = true;
        }
    }

    /// <summary>Moves the normal screen (up to its last non-blank row, or all of it for live rows) into history.</summary>
    private void CommitScreen(RowKind kind)
    {
        var last = Rows - 1;
        if (kind != RowKind.Live)
        {
            while (last >= 0 && _normal.Row(last).IsBlank && !_keptAfter.ContainsKey(_normal.Row(last)))
            {
                last--;
            }
        }

        for (var y = 0; y <= last; y++)
        {
            var row = _normal.Row(y);
            _history.Append(row, kind);
            if (_keptAfter.Remove(row, out var kept))
            {
                _history.AppendRange(kept);
            }
        }

        _keptAfter.Clear();
    }

    /// <summary>Keeps rows after the live row above the cursor's screen position <paramref name="y"/>.</summary>
    private void KeepBefore(int y, List<TranscriptRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (y == 0)
        {
            // The row above is the last one history holds (or none): the kept rows follow it there.
            _history.AppendRange(rows);
            return;
        }

        var anchor = _normal.Row(y - 1);
        if (!_keptAfter.TryGetValue(anchor, out var list))
        {
            _keptAfter[anchor] = list = [];
        }

        list.AddRange(rows);
    }

    /// <summary>The style erased cells get: the current background, nothing else.</summary>
    private int EraseId() => _style.Background == CellStyle.DefaultColor ? 0 : _styles.IdOf(new CellStyle(CellStyle.DefaultColor, _style.Background, CellAttributes.None));

    private void RestrictCursor()
    {
        var buffer = _active;
        buffer.X = Math.Clamp(buffer.X, 0, Columns - 1);
        buffer.Y = Math.Clamp(buffer.Y, 0, Rows - 1);
    }

    private void LineFeed()
    {
        var buffer = _active;
        buffer.Y++;
        if (buffer.Y == buffer.ScrollBottom + 1)
        {
            buffer.Y--;
            buffer.ScrollUp(EraseId());
        }
        else if (buffer.Y >= Rows)
        {
            buffer.Y = Rows - 1;
        }
        else
        {
            buffer.Row(buffer.Y).IsWrapped = false;
        }

        // A line feed at a pending wrap does not wrap.
        if (buffer.X >= Columns)
        {
            buffer.X--;
        }
    }

    private void ReverseIndex()
    {
        var buffer = _active;
        if (buffer.Y == buffer.ScrollTop)
        {
            buffer.ScrollDown(EraseId());
        }
        else if (buffer.Y > 0)
        {
            buffer.Y--;
        }
    }

    private void Tab()
    {
        var buffer = _active;
        var x = Math.Min(buffer.X, Columns - 1);
        do
        {
            x++;
        }
        while (x < Columns - 1 && !_tabStops[x]);

        buffer.X = Math.Min(x, Columns - 1);
    }

    private int PreviousTabStop()
    {
        var x = Math.Min(_active.X, Columns) - 1;
        while (x > 0 && !_tabStops[x])
        {
            x--;
        }

        return Math.Max(x, 0);
    }

    private void CursorUp(int count)
    {
        var buffer = _active;
        var toTop = buffer.Y - buffer.ScrollTop;
        buffer.Y -= toTop >= 0 ? Math.Min(toTop, count) : count;
        RestrictCursor();
    }

    private void CursorDown(int count)
    {
        var buffer = _active;
        var toBottom = buffer.ScrollBottom - buffer.Y;
        buffer.Y += toBottom >= 0 ? Math.Min(toBottom, count) : count;
        RestrictCursor();
    }

    private void CursorPosition(int row, int column)
    {
        var buffer = _active;
        buffer.Y = (_originMode ? buffer.ScrollTop : 0) + row - 1;
        buffer.X = column - 1;
        RestrictCursor();
        if (_originMode)
        {
            buffer.Y = Math.Clamp(buffer.Y, buffer.ScrollTop, buffer.ScrollBottom);
        }
    }

    private void EraseInDisplay(int mode)
    {
        var buffer = _active;
        var blank = EraseId();
        switch (mode)
        {
            case 0:
                EraseLinePart(buffer.Y, buffer.X, Columns, clearWrap: buffer.X == 0);
                for (var y = buffer.Y + 1; y < Rows; y++)
                {
                    ResetRow(y, blank);
                }

                return;
            case 1:
                for (var y = 0; y < buffer.Y; y++)
                {
                    ResetRow(y, blank);
                }

                EraseLinePart(buffer.Y, 0, buffer.X + 1, clearWrap: true);
                if (buffer.X + 1 >= Columns && buffer.Y + 1 < Rows)
                {
                    buffer.Row(buffer.Y + 1).IsWrapped = false;
                }

                return;
            case 2:
                if (buffer == _normal)
                {
                    // What the screen showed is kept, marked as wiped: the commands typed before `top` (which
                    // clears the normal screen with ED 2 alone) are on the record as much as those before `clear`.
                    _history.AppendRange(CopyScreen(buffer, RowKind.Cleared));
                }

                for (var y = 0; y < Rows; y++)
                {
                    ResetRow(y, blank);
                }

                return;
            case 3:
                if (buffer == _normal)
                {
                    // xterm.js forgets its scrollback here; the transcript keeps it, marked as wiped by clear.
                    _history.Reclassify(_liveFrom, RowKind.Live, RowKind.Cleared);
                    _liveFrom = _history.Count;
                }

                return;
            default:
                return;
        }
    }

    private void EraseInLine(int mode)
    {
        var buffer = _active;
        switch (mode)
        {
            case 0:
                EraseLinePart(buffer.Y, buffer.X, Columns, clearWrap: buffer.X == 0);
                return;
            case 1:
                EraseLinePart(buffer.Y, 0, buffer.X + 1, clearWrap: false);
                return;
            case 2:
                EraseLinePart(buffer.Y, 0, Columns, clearWrap: true);
                return;
            default:
                return;
        }
    }

    private void EraseLinePart(int y, int from, int to, bool clearWrap)
    {
        var row = _active.Row(Math.Clamp(y, 0, Rows - 1));
        row.Fill(from, to, EraseId());
        if (clearWrap)
        {
            row.IsWrapped = false;
        }
    }

    private void ResetRow(int y, int blank)
    {
        var row = _active.Row(y);
        row.Fill(0, Columns, blank);
        row.IsWrapped = false;
    }

    /// <summary>IL (<paramref name="up"/> false) and DL: rows from the cursor to the region's bottom move down or up.</summary>
    private void ShiftLines(int count, bool up)
    {
        var buffer = _active;
        RestrictCursor();
        if (buffer.Y < buffer.ScrollTop || buffer.Y > buffer.ScrollBottom)
        {
            return;
        }

        for (var i = Math.Min(count, buffer.ScrollBottom - buffer.Y + 1); i > 0; i--)
        {
            buffer.Shift(buffer.Y, buffer.ScrollBottom, up, buffer.NewRow(EraseId()));
        }

        buffer.X = 0;
    }

    private void SetScrollRegion(int top, int bottom)
    {
        var buffer = _active;
        bottom = Math.Min(bottom, Rows);
        if (top >= bottom)
        {
            return;
        }

        buffer.ScrollTop = top - 1;
        buffer.ScrollBottom = bottom - 1;
        buffer.X = 0;
        buffer.Y = _originMode ? buffer.ScrollTop : 0;
    }

    private void Repeat(int count)
    {
        if (_lastPrinted < 0)
        {
            return;
        }

        // REP can ask for 65535 characters in a few bytes, as xterm.js prints them; BaseTranscriptChars bounds a flood.
        Span<int> run = stackalloc int[256];
        run.Fill(_lastPrinted);
        for (var left = count; left > 0; left -= run.Length)
        {
            ((IVtHandler)this).Print(run[..Math.Min(left, run.Length)]);
        }
    }

    private void SetPrivateMode(int mode, bool on)
    {
        switch (mode)
        {
            case 6:
                _originMode = on;
                CursorPosition(1, 1);
                return;
            case 7:
                _autoWrap = on;
                return;
            case 47 or 1047 or 1049:
                if (on)
                {
                    if (mode == 1049)
                    {
                        SaveCursor();
                    }

                    EnterAlternateScreen();
                }
                else
                {
                    LeaveAlternateScreen();
                    if (mode == 1049)
                    {
                        RestoreCursor();
                    }

                    // The program's last screen goes where it ran: before the row the cursor returns to.
                    KeepBefore(Math.Min(_normal.Y, Rows - 1), _pendingSnapshot);
                    _pendingSnapshot = [];
                }

                return;
            default:
                return;
        }
    }

    private void EnterAlternateScreen()
    {
        if (_active == _alternate)
        {
            return;
        }

        AlternateScreenEntries++;
        _alternate.Reset();
        _alternate.X = _normal.X;
        _alternate.Y = _normal.Y;
        _active = _alternate;
    }

    private void LeaveAlternateScreen()
    {
        if (_active == _normal)
        {
            return;
        }

        var snapshot = CopyScreen(_alternate, RowKind.FullScreenSnapshot);
        _normal.X = _alternate.X;
        _normal.Y = _alternate.Y;
        _active = _normal;
        _pendingSnapshot = snapshot;
    }

    private void SaveCursor() => _active.Saved = (_active.X, _active.Y, _style, _originMode, _charsets);

    private void RestoreCursor()
    {
        var buffer = _active;
        if (buffer.Saved is { } saved)
        {
            buffer.X = saved.X;
            buffer.Y = saved.Y;
            _style = saved.Style;
            _styleId = _styles.IdOf(_style);
            _originMode = saved.OriginMode;
            _charsets = saved.Charsets;
        }
        else
        {
            buffer.X = buffer.Y = 0;
            _style = CellStyle.Default;
            _styleId = 0;
        }

        RestrictCursor();
    }

    private void SoftReset()
    {
        _style = CellStyle.Default;
        _styleId = 0;
        _originMode = false;
        _autoWrap = true;
        _insertMode = false;
        _newLineMode = false;
        _charsets = default;
        _active.ScrollTop = 0;
        _active.ScrollBottom = Rows - 1;
    }

    private void FullReset()
    {
        SoftReset();

        // RIS wipes the screen and scrollback; the transcript keeps both, marked as wiped.
        if (_active == _normal)
        {
            _history.Reclassify(_liveFrom, RowKind.Live, RowKind.Cleared);
            CommitScreen(RowKind.Cleared);
            _liveFrom = _history.Count;
        }

        _normal.Reset();
        _alternate.Reset();
        _active = _normal;
        ResetTabStops();
        Title = null;
    }

    private void ResetTabStops()
    {
        for (var i = 0; i < Columns; i++)
        {
            _tabStops[i] = i % 8 == 0;
        }
    }
}

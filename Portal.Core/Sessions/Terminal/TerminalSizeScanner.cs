namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Reads a transcript body for evidence of the terminal's size, which Session Manager does not record. Programs that
/// draw a screen know its size and show it: they address rows and columns (<c>CSI row;col H</c>, <c>CSI col G</c>,
/// <c>CSI row d</c>), set a scroll region to the screen (<c>CSI top;bottom r</c>), and pad lines with spaces to the
/// width before erasing the rest (<c>top</c> pads every process line), and on the alternate screen (a full-screen
/// program's) they print text at a place they chose, right-aligned up to the last column as <c>watch</c> and
/// <c>vim</c> do. Each is a lower bound. Evidence is kept per
/// <see cref="Window"/> of bytes, so a renderer can size each stretch of a transcript from what it holds and what
/// follows (see <see cref="TranscriptRenderer"/>). Shell output that merely wraps (a long <c>cat</c> line) says nothing.
/// </summary>
internal sealed class TerminalSizeScanner
{
    /// <summary>Bytes of body per window of evidence.</summary>
    public const int Window = 64 << 10;

    private readonly List<TerminalSize> _evidence = [];
    private State _state;
    private readonly List<int> _params = [];
    private int _current = -1;
    private bool _private;
    private bool _intermediate;
    private bool _stringEscape;

    // Where the cursor is believed to be: the column always (1-based), the row only since an absolute move.
    private int _column = 1;
    private int _row;
    private int _trailingSpaces;

    // On the alternate screen, text printed right after an absolute move is where the program meant it to be.
    private bool _alternate;
    private bool _placed;

    // A row addressed and not yet printed on: evidence once something is printed there (top addresses the row after
    // its last one, only to leave the cursor there).
    private int _addressedRow;

    private enum State
    {
        Ground,
        Escape,
        EscapeSkipOne,
        Csi,
        String,
    }

    /// <summary>Body bytes scanned so far.</summary>
    public long Scanned { get; private set; }

    /// <summary>True once the body has ended (no more evidence will come).</summary>
    public bool Ended { get; private set; }

    /// <summary>What window <paramref name="window"/> shows of the size; none when it shows nothing (or is not scanned).</summary>
    public TerminalSize EvidenceOf(int window) => window < _evidence.Count ? _evidence[window] : default;

    /// <summary>Says the body has ended.</summary>
    public void End() => Ended = true;

    /// <summary>Scans the next body bytes.</summary>
    public void Scan(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            // Evidence is filed under the window the byte that completes it is in.
            var window = (int)(Scanned / Window);
            var take = (int)Math.Min(bytes.Length, ((window + 1L) * Window) - Scanned);
            while (_evidence.Count <= window)
            {
                _evidence.Add(default);
            }

            var evidence = _evidence[window];
            ScanWindow(bytes[..take], ref evidence);
            _evidence[window] = evidence;
            Scanned += take;
            bytes = bytes[take..];
        }
    }

    private void ScanWindow(ReadOnlySpan<byte> bytes, ref TerminalSize evidence)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            switch (_state)
            {
                case State.Ground:
                    if (b is >= 0x20 and < 0x7F)
                    {
                        // A run of printable ASCII at once.
                        var run = bytes[i..].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E);
                        var length = run < 0 ? bytes.Length - i : run;
                        Printed(bytes.Slice(i, length), ref evidence);
                        i += length - 1;
                    }
                    else if (b >= 0xC0)
                    {
                        // The first byte of a UTF-8 character: one column (a wide one takes two; this is a lower bound).
                        Printed(" "u8, ref evidence);
                        _trailingSpaces = 0;
                    }
                    else
                    {
                        Control(b);
                    }

                    break;
                case State.Escape:
                    Escape(b);
                    break;
                case State.EscapeSkipOne:
                    _state = State.Ground;
                    break;
                case State.Csi:
                    CsiByte(b, ref evidence);
                    break;
                case State.String:
                    // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
                    if (b == 0x07 || (_stringEscape && b == (byte)'\\'))
                    {
                        _state = State.Ground;
                    }

                    _stringEscape = b == 0x1B;
                    break;
            }
        }
    }

    private void Printed(ReadOnlySpan<byte> text, ref TerminalSize evidence)
    {
        if (_addressedRow > 0)
        {
            evidence = evidence.AtLeast(0, _addressedRow);
            _addressedRow = 0;
        }

        _column += text.Length;
        if (_alternate && _placed)
        {
            evidence = evidence.AtLeast(_column - 1, 0);
        }

        var trimmed = text.TrimEnd((byte)' ');
        _trailingSpaces = trimmed.Length == 0 ? _trailingSpaces + text.Length : text.Length - trimmed.Length;
    }

    private void Control(byte b)
    {
        if (b is (byte)'\r' or (byte)'\n' or 0x0B or 0x0C or 0x08 or (byte)'\t')
        {
            _addressedRow = 0; // moved off the addressed row (or to its start) before printing there
            _placed = false;
        }

        switch (b)
        {
            case 0x1B:
                _state = State.Escape;
                break;
            case (byte)'\r':
                _column = 1;
                _trailingSpaces = 0;
                break;
            case (byte)'\n' or 0x0B or 0x0C:
                _row = _row > 0 ? _row + 1 : 0;
                _trailingSpaces = 0;
                break;
            case 0x08:
                _column = Math.Max(1, _column - 1);
                _trailingSpaces = 0;
                break;
            case (byte)'\t':
                _column = ((_column - 1) / 8 * 8) + 9;
                _trailingSpaces = 0;
                break;
            case 0x9B:
                StartCsi();
                break;
        }
    }

    private void Escape(byte b)
    {
        switch (b)
        {
            case (byte)'[':
                StartCsi();
                break;
            case (byte)']' or (byte)'P' or (byte)'X' or (byte)'^' or (byte)'_':
                _state = State.String;
                _stringEscape = false;
                break;
            case (byte)'(' or (byte)')' or (byte)'*' or (byte)'+' or (byte)'#' or (byte)'%':
                _state = State.EscapeSkipOne;
                break;
            case (byte)'c':
                // RIS: the terminal is reset, the cursor home.
                (_column, _row, _addressedRow, _trailingSpaces, _alternate, _placed) = (1, 1, 0, 0, false, false);
                _state = State.Ground;
                break;
            default:
                _state = State.Ground;
                break;
        }
    }

    private void StartCsi()
    {
        _state = State.Csi;
        _params.Clear();
        _current = -1;
        _private = false;
        _intermediate = false;
    }

    private void CsiByte(byte b, ref TerminalSize evidence)
    {
        if (b is >= (byte)'0' and <= (byte)'9')
        {
            _current = Math.Min((Math.Max(_current, 0) * 10) + (b - '0'), 1_000_000);
            return;
        }

        switch (b)
        {
            case (byte)';' or (byte)':':
                _params.Add(_current);
                _current = -1;
                return;
            case >= 0x3C and <= 0x3F:
                _private = true;
                return;
            case >= 0x20 and <= 0x2F:
                _intermediate = true;
                return;
            case 0x1B:
                // A CSI cut short by a new sequence.
                _state = State.Escape;
                return;
            case < 0x20:
                Control(b);
                return;
        }

        _params.Add(_current);
        _state = State.Ground;
        if (_private && !_intermediate && b is (byte)'h' or (byte)'l' && _params.Exists(p => p is 1049 or 1047 or 47))
        {
            _alternate = b == (byte)'h';
            return;
        }

        if (_private || _intermediate)
        {
            return;
        }

        Final(b, ref evidence);
    }

    private int Param(int index, int absent) => index < _params.Count && _params[index] > 0 ? _params[index] : absent;

    private void Final(byte final, ref TerminalSize evidence)
    {
        var trailing = _trailingSpaces;
        _trailingSpaces = 0;
        var placed = _placed;
        _placed = false;
        switch (final)
        {
            case (byte)'H' or (byte)'f':
                (_row, _column) = (Param(0, 1), Param(1, 1));
                evidence = evidence.AtLeast(_column, 0);
                (_addressedRow, _placed) = (_row, true);
                break;
            case (byte)'G' or (byte)'`':
                _column = Param(0, 1);
                evidence = evidence.AtLeast(_column, 0);
                _placed = true;
                break;
            case (byte)'d':
                _row = Param(0, 1);
                (_addressedRow, _placed) = (_row, true);
                break;
            case (byte)'r':
                var (top, bottom) = (Param(0, 1), Param(1, 0));
                if (bottom > top)
                {
                    evidence = evidence.AtLeast(0, bottom);
                }

                (_row, _column, _addressedRow) = (1, 1, 0); // DECSTBM homes the cursor
                break;
            case (byte)'K' when Param(0, 0) == 0:
                // A line padded with spaces and then erased to its end: the program filled the width it knows.
                if (trailing > 0)
                {
                    evidence = evidence.AtLeast(_column - 1, _row);
                }

                break;
            case (byte)'m':
                // Colours between the padding and the erase, or inside placed text, change nothing.
                (_trailingSpaces, _placed) = (trailing, placed);
                break;
            case (byte)'A':
                _row = _row > 0 ? Math.Max(1, _row - Param(0, 1)) : 0;
                _addressedRow = 0;
                break;
            case (byte)'B' or (byte)'e':
                _row = _row > 0 ? _row + Param(0, 1) : 0;
                _addressedRow = 0;
                break;
            case (byte)'C' or (byte)'a':
                _column += Param(0, 1);
                break;
            case (byte)'D':
                _column = Math.Max(1, _column - Param(0, 1));
                break;
        }
    }
}

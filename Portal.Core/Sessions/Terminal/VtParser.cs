using System.Text;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// The DEC/ANSI escape sequence parser (after Paul Williams' state machine, with xterm.js's choices where terminals
/// differ): code points in, actions out. CAN and SUB abort a sequence, ESC restarts one, C1 controls work in every
/// state. Parameters, OSC and DCS payloads are capped, so no input can make it allocate without bound.
/// </summary>
internal sealed class VtParser(IVtHandler handler)
{
    public const int MaxParams = 32;
    public const int MaxParamValue = 65535;
    public const int MaxOscLength = 4096;

    private readonly int[] _params = new int[MaxParams];
    private readonly bool[] _isSubParam = new bool[MaxParams];
    private readonly StringBuilder _osc = new();
    private State _state = State.Ground;
    private int _paramCount;
    private bool _paramStarted;
    private int _intermediates;
    private int _printStart = -1;

    private enum State
    {
        Ground,
        Escape,
        EscapeIntermediate,
        CsiEntry,
        CsiParam,
        CsiIntermediate,
        CsiIgnore,
        OscString,
        DcsEntry,
        DcsParam,
        DcsIntermediate,
        DcsPassthrough,
        DcsIgnore,
        SosPmApcString,
    }

    /// <summary>True in the ground state, where printable characters are printed.</summary>
    public bool IsGround => _state == State.Ground;

    /// <summary>Parses one code point.</summary>
    public void ParseOne(int c)
    {
        if (_state == State.Ground && (c is >= 0x20 and < 0x7F || c >= 0xA0))
        {
            Span<int> one = [c];
            handler.Print(one);
            return;
        }

        Step(c);
    }

    /// <summary>Parses code points; printable runs reach the handler in one call.</summary>
    public void Parse(ReadOnlySpan<int> input)
    {
        _printStart = -1;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (_state == State.Ground && (c is >= 0x20 and < 0x7F || c >= 0xA0))
            {
                if (_printStart < 0)
                {
                    _printStart = i;
                }

                continue;
            }

            FlushPrint(input, i);
            Step(c);
        }

        FlushPrint(input, input.Length);
    }

    private void FlushPrint(ReadOnlySpan<int> input, int end)
    {
        if (_printStart >= 0)
        {
            handler.Print(input[_printStart..end]);
            _printStart = -1;
        }
    }

    private void Step(int c)
    {
        // Anywhere: CAN/SUB abort, ESC restarts, C1 controls act from any state.
        switch (c)
        {
            case 0x18 or 0x1A:
                EndString(false);
                handler.Execute(c);
                _state = State.Ground;
                return;
            case 0x1B:
                EndString(true);
                Clear();
                _state = State.Escape;
                return;
            case >= 0x80 and <= 0x9F:
                EndString(c == 0x9C);
                C1(c);
                return;
        }

        switch (_state)
        {
            case State.Ground:
                // C0 controls; DEL is ignored.
                if (c < 0x20)
                {
                    handler.Execute(c);
                }

                return;

            case State.Escape:
                if (c < 0x20)
                {
                    handler.Execute(c);
                }
                else if (c is >= 0x20 and <= 0x2F)
                {
                    Collect(c);
                    _state = State.EscapeIntermediate;
                }
                else if (c == '[')
                {
                    Clear();
                    _state = State.CsiEntry;
                }
                else if (c == ']')
                {
                    _osc.Clear();
                    _state = State.OscString;
                }
                else if (c == 'P')
                {
                    Clear();
                    _state = State.DcsEntry;
                }
                else if (c is 'X' or '^' or '_')
                {
                    _state = State.SosPmApcString;
                }
                else
                {
                    EscapeFinal(c);
                }

                return;

            case State.EscapeIntermediate:
                if (c < 0x20)
                {
                    handler.Execute(c);
                }
                else if (c is >= 0x20 and <= 0x2F)
                {
                    Collect(c);
                }
                else
                {
                    EscapeFinal(c);
                }

                return;

            case State.CsiEntry or State.CsiParam or State.CsiIntermediate:
                Csi(c);
                return;

            case State.CsiIgnore:
                if (c < 0x20)
                {
                    handler.Execute(c);
                }
                else if (c is >= 0x40 and <= 0x7E || c >= 0xA0)
                {
                    _state = State.Ground;
                }

                return;

            case State.OscString:
                if (c == 0x07)
                {
                    EndString(true);
                    _state = State.Ground;
                }
                else if (c >= 0x20 && c != 0x7F && _osc.Length < MaxOscLength)
                {
                    if (c < 0x10000)
                    {
                        _osc.Append((char)c);
                    }
                    else
                    {
                        _osc.Append(char.ConvertFromUtf32(c));
                    }
                }

                return;

            case State.DcsEntry or State.DcsParam or State.DcsIntermediate:
                if (c is >= 0x40 and <= 0x7E)
                {
                    _state = State.DcsPassthrough;
                }
                else if (c is 0x3A || (c >= 0xA0))
                {
                    _state = State.DcsIgnore;
                }
                else if (c is >= 0x20 and <= 0x2F)
                {
                    _state = State.DcsIntermediate;
                }
                else if (c is >= 0x30 and <= 0x3F)
                {
                    _state = _state == State.DcsIntermediate ? State.DcsIgnore : State.DcsParam;
                }

                return;

            default:
                // DCS passthrough, DCS ignore, SOS/PM/APC: the payload is dropped; only ST, CAN, SUB or ESC end it.
                return;
        }
    }

    /// <summary>A final byte dispatches the escape sequence; anything else but DEL abandons it.</summary>
    private void EscapeFinal(int c)
    {
        if (c is >= 0x30 and <= 0x7E)
        {
            handler.EscDispatch(_intermediates, c);
            _state = State.Ground;
        }
        else if (c != 0x7F)
        {
            _state = State.Ground;
        }
    }

    private void Csi(int c)
    {
        if (c < 0x20)
        {
            handler.Execute(c);
            return;
        }

        if (c >= 0xA0)
        {
            // xterm.js drops a non-ASCII character inside a sequence and abandons the sequence.
            _state = State.Ground;
            return;
        }

        if (c is >= 0x30 and <= 0x3F && _state != State.CsiIntermediate)
        {
            if (c is >= '<' and <= '?')
            {
                if (_state == State.CsiEntry)
                {
                    Collect(c);
                    _state = State.CsiParam;
                }
                else
                {
                    _state = State.CsiIgnore;
                }

                return;
            }

            _state = State.CsiParam;
            if (c == ';' || c == ':')
            {
                StartParam();
                NextParam(isSub: c == ':');
                return;
            }

            StartParam();
            ref var value = ref _params[_paramCount - 1];
            value = Math.Min(MaxParamValue, (value * 10) + (c - '0'));
            return;
        }

        if (c is >= 0x20 and <= 0x2F)
        {
            Collect(c);
            _state = State.CsiIntermediate;
            return;
        }

        if (c is >= 0x40 and <= 0x7E)
        {
            handler.CsiDispatch(new CsiParams(_params, _isSubParam, _paramStarted ? _paramCount : 0), _intermediates, c);
            _state = State.Ground;
            return;
        }

        if (c is >= 0x30 and <= 0x3F)
        {
            _state = State.CsiIgnore;
        }
    }

    private void StartParam()
    {
        if (!_paramStarted)
        {
            _paramStarted = true;
            _paramCount = 1;
            _params[0] = 0;
            _isSubParam[0] = false;
        }
    }

    private void NextParam(bool isSub)
    {
        if (_paramCount < MaxParams)
        {
            _params[_paramCount] = 0;
            _isSubParam[_paramCount] = isSub;
            _paramCount++;
        }
    }

    private void C1(int c)
    {
        Clear();
        switch (c)
        {
            case 0x9B:
                _state = State.CsiEntry;
                return;
            case 0x9D:
                _osc.Clear();
                _state = State.OscString;
                return;
            case 0x90:
                _state = State.DcsEntry;
                return;
            case 0x98 or 0x9E or 0x9F:
                _state = State.SosPmApcString;
                return;
            case 0x9C:
                _state = State.Ground;
                return;
            default:
                handler.Execute(c);
                _state = State.Ground;
                return;
        }
    }

    /// <summary>An OSC ends on BEL, ST, ESC (the start of ST) or abort; it is dispatched unless aborted.</summary>
    private void EndString(bool dispatch)
    {
        if (_state == State.OscString)
        {
            if (dispatch)
            {
                handler.OscDispatch(_osc.ToString());
            }

            _osc.Clear();
        }
    }

    private void Collect(int c) => _intermediates = (_intermediates << 8) | (c & 0xFF);

    private void Clear()
    {
        _paramCount = 0;
        _paramStarted = false;
        _intermediates = 0;
    }
}

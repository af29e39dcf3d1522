namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A streaming UTF-8 decoder to code points that keeps a sequence split across writes, and turns every invalid
/// byte, overlong form or surrogate into U+FFFD (as the brief asks; xterm.js drops them instead).
/// </summary>
internal sealed class Utf8Decoder
{
    public const int Replacement = 0xFFFD;

    private int _codePoint;
    private int _needed;
    private int _seen;
    private int _min;

    /// <summary>True when no multi-byte sequence is half read.</summary>
    public bool IsIdle => _needed == 0;

    /// <summary>Decodes <paramref name="bytes"/> into <paramref name="output"/> (at least bytes.Length + 4 long); returns the count.</summary>
    public int Decode(ReadOnlySpan<byte> bytes, Span<int> output)
    {
        var count = 0;
        foreach (var b in bytes)
        {
            if (_needed > 0)
            {
                if ((b & 0xC0) == 0x80)
                {
                    _codePoint = (_codePoint << 6) | (b & 0x3F);
                    if (++_seen == _needed)
                    {
                        var valid = _codePoint >= _min && _codePoint <= 0x10FFFF && _codePoint is < 0xD800 or > 0xDFFF;
                        output[count++] = valid ? _codePoint : Replacement;
                        _needed = 0;
                    }

                    continue;
                }

                // The sequence broke off: one replacement for it, then this byte starts afresh.
                output[count++] = Replacement;
                _needed = 0;
            }

            if (b < 0x80)
            {
                output[count++] = b;
            }
            else if ((b & 0xE0) == 0xC0)
            {
                Start(b & 0x1F, 1, 0x80);
            }
            else if ((b & 0xF0) == 0xE0)
            {
                Start(b & 0x0F, 2, 0x800);
            }
            else if ((b & 0xF8) == 0xF0)
            {
                Start(b & 0x07, 3, 0x10000);
            }
            else
            {
                output[count++] = Replacement;
            }
        }

        return count;
    }

    private void Start(int bits, int needed, int min)
    {
        _codePoint = bits;
        _needed = needed;
        _seen = 0;
        _min = min;
    }
}

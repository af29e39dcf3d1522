namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Guesses the terminal's width from the transcript itself, since Session Manager records none: full-screen
/// programs address columns directly (<c>CSI row;col H</c>, <c>CSI col G</c>), and a terminal is at least as wide as
/// the rightmost column addressed.
/// </summary>
public static class TerminalWidth
{
    /// <summary>The width used when nothing better is known.</summary>
    public const int Default = 80;

    /// <summary>The widest terminal the detection believes.</summary>
    public const int Max = 500;

    /// <summary>The detected width, never below <see cref="Default"/>.</summary>
    public static int Detect(ReadOnlySpan<byte> body)
    {
        var widest = Default;
        for (var i = 0; i + 2 < body.Length; i++)
        {
            var escape = body[i..].IndexOf((byte)0x1B);
            if (escape < 0)
            {
                break;
            }

            i += escape;
            if (i + 2 >= body.Length || body[i + 1] != (byte)'[')
            {
                continue;
            }

            // Up to two numbers separated by ';', then the final byte.
            var j = i + 2;
            var first = Number(body, ref j);
            var second = -1;
            if (j < body.Length && body[j] == (byte)';')
            {
                j++;
                second = Number(body, ref j);
            }

            if (j >= body.Length)
            {
                break;
            }

            var column = body[j] switch
            {
                (byte)'H' or (byte)'f' => second,
                (byte)'G' or (byte)'`' when second < 0 => first,
                _ => -1,
            };
            if (column > widest && column <= Max)
            {
                widest = column;
            }

            i = j;
        }

        return widest;
    }

    private static int Number(ReadOnlySpan<byte> body, ref int at)
    {
        var value = -1;
        while (at < body.Length && body[at] is >= (byte)'0' and <= (byte)'9' && value < 100_000)
        {
            value = (Math.Max(value, 0) * 10) + (body[at] - '0');
            at++;
        }

        return value;
    }
}

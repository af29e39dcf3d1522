namespace Portal.Core.Sessions.Index;

/// <summary>
/// The second half of the search vocabulary (ADR 0023): every six-character window of a transcript's lines, folded
/// as trigrams are, hashed to one of <see cref="Rows"/> rows. A transcript keeps the set of rows its windows hit, a
/// bitmap; a query of six characters or more keeps only the sessions that hit every row its own windows hit. Where a
/// query's trigrams are in nearly every session (<c>10.0.1.23</c>: digits and dots), its six-character windows are
/// not, so the candidates a search must read drop from most sessions to a few. A hash collision only adds a
/// candidate, which the stored lines then turn down: the signature never loses a match.
/// </summary>
internal sealed class GramSignature
{
    /// <summary>The window's length in UTF-16 units.</summary>
    public const int Length = 6;

    /// <summary>log2 of <see cref="Rows"/>.</summary>
    public const int RowBits = 17;

    /// <summary>
    /// How many rows windows hash to: a session of 20,000 distinct windows sets 14 % of them, so a window it lacks
    /// still hits a set row one time in seven (bench/README.md).
    /// </summary>
    public const int Rows = 1 << RowBits;

    /// <summary>The most rows a query is checked against, spread over its length: each costs a read per segment.</summary>
    public const int MaxQueryRows = 8;

    // A rolling polynomial over the folded units, mixed once per window: odd multiplier, arithmetic mod 2^64.
    private const ulong Base = 0x100000001B3UL;
    private static readonly ulong BasePower = Power(Base, Length);

    private readonly ulong[] _bits = new ulong[Rows / 64];
    private bool _empty = true;

    /// <summary>Forgets the current document.</summary>
    public void Clear()
    {
        if (!_empty)
        {
            Array.Clear(_bits);
            _empty = true;
        }
    }

    /// <summary>Adds the windows of one line; none span two lines, since a hit is a line.</summary>
    public void AddLine(ReadOnlySpan<char> line)
    {
        if (line.Length < Length)
        {
            return;
        }

        _empty = false;
        var bits = _bits;
        var hash = 0UL;
        for (var i = 0; i < line.Length; i++)
        {
            hash = unchecked((hash * Base) + Unit(line[i]));
            if (i >= Length)
            {
                hash = unchecked(hash - (Unit(line[i - Length]) * BasePower));
            }

            if (i >= Length - 1)
            {
                var row = Row(hash);
                bits[row >> 6] |= 1UL << (row & 63);
            }
        }
    }

    /// <summary>The current document's rows as a bitmap of <see cref="Rows"/> bits, or empty when no line is long enough.</summary>
    public ulong[] ToArray() => _empty ? [] : (ulong[])_bits.Clone();

    /// <summary>
    /// The distinct rows a query's windows hit, at most <see cref="MaxQueryRows"/> of them spread from its first
    /// window to its last; empty when it is shorter than a window.
    /// </summary>
    public static int[] QueryRows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var windows = text.Length - Length + 1;
        if (windows < 1)
        {
            return [];
        }

        var all = new int[windows];
        var hash = 0UL;
        for (var i = 0; i < text.Length; i++)
        {
            hash = unchecked((hash * Base) + Unit(text[i]));
            if (i >= Length)
            {
                hash = unchecked(hash - (Unit(text[i - Length]) * BasePower));
            }

            if (i >= Length - 1)
            {
                all[i - Length + 1] = Row(hash);
            }
        }

        var picked = new SortedSet<int>();
        var take = Math.Min(windows, MaxQueryRows);
        for (var k = 0; k < take; k++)
        {
            picked.Add(all[take == 1 ? 0 : (int)((long)k * (windows - 1) / (take - 1))]);
        }

        return [.. picked];
    }

    private static ulong Unit(char c) => Trigrams.Fold(c);

    private static int Row(ulong hash)
    {
        hash ^= hash >> 33;
        hash = unchecked(hash * 0xFF51AFD7ED558CCDUL);
        hash ^= hash >> 33;
        return (int)(hash >> (64 - RowBits));
    }

    private static ulong Power(ulong value, int exponent)
    {
        var result = 1UL;
        for (var i = 0; i < exponent; i++)
        {
            result = unchecked(result * value);
        }

        return result;
    }
}

namespace Portal.Core.Sessions.Index;

/// <summary>
/// The second half of the search vocabulary (ADR 0023): every six-character window of a transcript's lines, folded
/// as trigrams are, hashed to two of <see cref="Rows"/> rows (a Bloom filter). A transcript keeps the set of rows its
/// windows hit, a bitmap; a query of six characters or more keeps only the sessions that hit every row its own windows
/// hit. Where a
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
    /// How many rows windows hash to: a session of 20,000 distinct windows sets a quarter of them, so a window it
    /// lacks still hits both its rows one time in fifteen. With one row each, 14 % were set, but a query's window
    /// whose row it shared with a window nearly every session has filtered nothing, and which windows those were was
    /// luck: 45 to 96 candidates for the same query under three hash seeds (ADR 0023).
    /// </summary>
    public const int Rows = 1 << RowBits;

    /// <summary>The most windows of a query checked, spread over its length: each costs two reads per segment.</summary>
    public const int MaxQueryWindows = 6;

    // A window of ASCII (nearly all of a shell's) is its six folded 7-bit units, 42 bits, kept as the line is read;
    // one holding any other unit is a polynomial over its folded units, tagged so the two kinds never meet.
    private const ulong AsciiMask = (1UL << (7 * Length)) - 1;
    private const ulong OtherTag = 1UL << 63;
    private const ulong Base = 0x100000001B3UL;

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
        var window = 0UL;
        var lastOther = -Length; // where the last unit outside ASCII was: windows holding it are hashed unit by unit
        for (var i = 0; i < line.Length; i++)
        {
            int c = line[i];
            if (c < 128)
            {
                window = ((window << 7) | (uint)(c is >= 'A' and <= 'Z' ? c + 32 : c)) & AsciiMask;
            }
            else
            {
                lastOther = i;
            }

            if (i >= Length - 1)
            {
                var (first, second) = i - lastOther >= Length ? RowsOf(window) : RowsOf(line.Slice(i - Length + 1, Length));
                bits[first >> 6] |= 1UL << (first & 63);
                bits[second >> 6] |= 1UL << (second & 63);
            }
        }
    }

    /// <summary>The current document's rows as a bitmap of <see cref="Rows"/> bits, or empty when no line is long enough.</summary>
    public ulong[] ToArray() => _empty ? [] : (ulong[])_bits.Clone();

    /// <summary>
    /// The distinct rows a query's windows hit, ascending: those of at most <see cref="MaxQueryWindows"/> windows
    /// spread from its first to its last; empty when it is shorter than a window.
    /// </summary>
    public static int[] QueryRows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var windows = text.Length - Length + 1;
        if (windows < 1)
        {
            return [];
        }

        var picked = new SortedSet<int>();
        var take = Math.Min(windows, MaxQueryWindows);
        for (var k = 0; k < take; k++)
        {
            var at = take == 1 ? 0 : (int)((long)k * (windows - 1) / (take - 1));
            var (first, second) = RowsOf(text.AsSpan(at, Length));
            picked.Add(first);
            picked.Add(second);
        }

        return [.. picked];
    }

    /// <summary>The rows of one window: its six folded units packed in 42 bits when all are ASCII, else hashed.</summary>
    private static (int First, int Second) RowsOf(ReadOnlySpan<char> window)
    {
        var packed = 0UL;
        var hash = 0UL;
        var ascii = true;
        foreach (var c in window)
        {
            var folded = Trigrams.Fold(c);
            ascii &= folded < 128;
            packed = (packed << 7) | (folded & 127u);
            hash = unchecked((hash * Base) + folded);
        }

        return RowsOf(ascii ? packed : hash | OtherTag);
    }

    /// <summary>Two rows from one well-mixed 64-bit hash of the key: its top bits and its bottom bits.</summary>
    private static (int First, int Second) RowsOf(ulong key)
    {
        key ^= key >> 33;
        key = unchecked(key * 0xFF51AFD7ED558CCDUL);
        key ^= key >> 33;
        key = unchecked(key * 0xC4CEB9FE1A85EC53UL);
        key ^= key >> 33;
        return ((int)(key >> (64 - RowBits)), (int)(key & (Rows - 1)));
    }
}

namespace Portal.Core.Sessions.Index;

/// <summary>
/// The search index's vocabulary: every distinct three-character window of a transcript's lines, lower-cased, as a
/// 48-bit value. A transcript becomes the set of its trigrams (each once, positions dropped); a query becomes the AND
/// of its trigrams, and the candidates that hold all of them without the substring are dropped by checking the
/// stored lines (ADR 0006). Trigrams of ASCII characters, nearly all of a shell transcript's, are kept as bits of a
/// 2<sup>21</sup>-bit map, which also hands them out sorted; the others in a hash set. The same pass over the lines
/// feeds the transcript's <see cref="GramSignature"/> of six-character windows (ADR 0023).
/// </summary>
internal sealed class Trigrams
{
    /// <summary>The shortest query the index can answer; shorter ones take the scanning path.</summary>
    public const int MinQueryLength = SearchRequest.MinIndexedLength;

    private const ulong Occupied = 1UL << 63;

    /// <summary>
    /// The most distinct trigrams one transcript contributes (real sessions have tens of thousands); past it the
    /// transcript is searchable only in part and marked so, which bounds the indexer's memory for any input.
    /// </summary>
    public const int MaxPerDocument = 2_000_000;

    private const int AsciiMask = (1 << 21) - 1;

    private readonly ulong[] _ascii = new ulong[1 << 15];
    private readonly GramSignature _grams = new();
    private ulong[] _slots = new ulong[1 << 10];
    private int _count;
    private int _others;

    /// <summary>How many distinct trigrams the current document has.</summary>
    public int Count => _count;

    /// <summary>True when the current document reached <see cref="MaxPerDocument"/>.</summary>
    public bool IsFull => _count >= MaxPerDocument;

    /// <summary>Folds a character the way both documents and queries are folded.</summary>
    public static char Fold(char c) => c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c + 32) : c) : char.ToLowerInvariant(c);

    /// <summary>Folds a whole string (see <see cref="Fold(char)"/>).</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Fold(source[i]);
            }
        });
    }

    /// <summary>The distinct trigrams of a query, or <see langword="null"/> when it is too short.</summary>
    public static ulong[]? QueryValues(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < MinQueryLength)
        {
            return null;
        }

        var set = new Trigrams();
        set.AddLine(text);
        return set.Values();
    }

    /// <summary>
    /// The distinct trigrams of the current document, ascending: three folded UTF-16 units in 48 bits. Ascending,
    /// the segment builder reads each transcript's in order.
    /// </summary>
    public ulong[] Values()
    {
        var others = new ulong[_others];
        var at = 0;
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                others[at++] = slot & ~Occupied;
            }
        }

        Array.Sort(others);
        var values = new ulong[_count];
        at = 0;
        var o = 0;
        for (var w = 0; w < _ascii.Length; w++)
        {
            var word = _ascii[w];
            while (word != 0)
            {
                var packed = (uint)((w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word));
                var value = ((ulong)(packed >> 14) << 32) | ((ulong)((packed >> 7) & 127) << 16) | (packed & 127);
                while (o < others.Length && others[o] < value)
                {
                    values[at++] = others[o++];
                }

                values[at++] = value;
                word &= word - 1;
            }
        }

        others.AsSpan(o).CopyTo(values.AsSpan(at));
        return values;
    }

    /// <summary>The current document's six-character windows as a <see cref="GramSignature"/> bitmap.</summary>
    public ulong[] Signature() => _grams.ToArray();

    /// <summary>Forgets the current document.</summary>
    public void Clear()
    {
        _grams.Clear();
        if (_count > _others)
        {
            Array.Clear(_ascii);
        }

        if (_slots.Length > 1 << 16)
        {
            _slots = new ulong[1 << 10]; // One huge transcript should not make every later one pay for its table.
        }
        else if (_others > 0)
        {
            Array.Clear(_slots);
        }

        _count = 0;
        _others = 0;
    }

    /// <summary>Adds the trigrams of one line; none span two lines, since a hit is a line.</summary>
    public void AddLine(ReadOnlySpan<char> line)
    {
        _grams.AddLine(line);
        if (line.Length < MinQueryLength || IsFull)
        {
            return;
        }

        var ascii = _ascii;
        var window = 0;
        var lastOther = -3; // Where the last character outside ASCII was: windows holding it take the slow path.
        for (var i = 0; i < line.Length; i++)
        {
            int c = line[i];
            if (c < 128)
            {
                window = ((window << 7) | (c is >= 'A' and <= 'Z' ? c + 32 : c)) & AsciiMask;
            }
            else
            {
                lastOther = i;
            }

            if (i < 2)
            {
                continue;
            }

            if (_count >= MaxPerDocument)
            {
                return;
            }

            if (i - lastOther > 2)
            {
                AddAscii(ascii, window);
                continue;
            }

            // A few characters outside ASCII fold into it (the Kelvin sign to k): those windows go to the map too,
            // so no trigram is held twice.
            uint a = Fold(line[i - 2]), b = Fold(line[i - 1]), f = Fold(line[i]);
            if ((a | b | f) < 128)
            {
                AddAscii(ascii, (int)((a << 14) | (b << 7) | f));
            }
            else
            {
                Add(Occupied | ((ulong)a << 32) | ((ulong)b << 16) | f);
            }
        }
    }

    private void AddAscii(ulong[] ascii, int packed)
    {
        ref var word = ref ascii[packed >> 6];
        var bit = 1UL << (packed & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            _count++;
        }
    }

    private void Add(ulong value)
    {
        if (_others * 2 >= _slots.Length)
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        var i = (int)(Mix(value) & (ulong)mask);
        while (true)
        {
            var slot = _slots[i];
            if (slot == value)
            {
                return;
            }

            if (slot == 0)
            {
                _slots[i] = value;
                _others++;
                _count++;
                return;
            }

            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        _count -= _others;
        _others = 0;
        foreach (var slot in old)
        {
            if (slot != 0)
            {
                Add(slot);
            }
        }
    }

    private static ulong Mix(ulong value)
    {
        value ^= value >> 29;
        value *= 0xBF58476D1CE4E5B9UL;
        return value ^ (value >> 32);
    }
}

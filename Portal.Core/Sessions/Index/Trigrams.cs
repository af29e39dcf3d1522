
namespace Portal.Core.Sessions.Index;

/// <summary>
/// The search index's vocabulary: every distinct three-character window of a transcript's lines, lower-cased, as a
/// 48-bit value, written to FTS5 as one <c>ascii</c> token. A transcript becomes the set of its trigrams (each once,
/// positions dropped); a query becomes the AND of its trigrams, and the candidates that hold all of them without the
/// substring are dropped by checking the stored lines (ADR 0006).
/// </summary>
internal sealed class Trigrams
{
    /// <summary>The shortest query the index can answer; shorter ones take the scanning path.</summary>
    public const int MinQueryLength = SearchRequest.MinIndexedLength;

    private const string Digits = "0123456789abcdefghijklmnopqrstuv";
    private const ulong Occupied = 1UL << 63;

    /// <summary>
    /// The most distinct trigrams one transcript contributes (real sessions have tens of thousands); past it the
    /// transcript is searchable only in part and marked so, which bounds the indexer's memory for any input.
    /// </summary>
    public const int MaxPerDocument = 2_000_000;

    private ulong[] _slots = new ulong[1 << 14];
    private int _count;

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

    /// <summary>Trigram values as FTS5 tokens, space-separated (a document to index, or the AND of a query).</summary>
    public static string Tokens(IReadOnlyCollection<ulong> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var buffer = new byte[(values.Count * 12) + 1];
        return System.Text.Encoding.ASCII.GetString(buffer, 0, WriteTokens(values, buffer));
    }

    /// <summary>
    /// Writes trigram values as ASCII tokens into <paramref name="buffer"/> (at least 12 bytes per value) and
    /// returns the length. A trigram of ASCII characters packs into 21 bits and is written <c>t</c> and up to five
    /// base-32 digits; any other is written <c>u</c> and up to ten.
    /// </summary>
    public static int WriteTokens(IEnumerable<ulong> values, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(values);
        var at = 0;
        foreach (var trigram in values)
        {
            var value = trigram;
            ulong a = value >> 32, b = (value >> 16) & 0xFFFF, c = value & 0xFFFF;
            if (a < 128 && b < 128 && c < 128)
            {
                value = (a << 14) | (b << 7) | c;
                buffer[at++] = (byte)'t';
            }
            else
            {
                buffer[at++] = (byte)'u';
            }

            do
            {
                buffer[at++] = (byte)Digits[(int)(value & 31)];
                value >>= 5;
            }
            while (value != 0);
            buffer[at++] = (byte)' ';
        }

        return at;
    }

    /// <summary>The distinct trigrams of the current document: three folded UTF-16 units in 48 bits.</summary>
    public ulong[] Values()
    {
        var values = new ulong[_count];
        var at = 0;
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                values[at++] = slot & ~Occupied;
            }
        }

        return values;
    }

    /// <summary>Forgets the current document.</summary>
    public void Clear()
    {
        if (_slots.Length > 1 << 18)
        {
            _slots = new ulong[1 << 14]; // One huge transcript should not make every later one pay for its table.
        }
        else if (_count > 0)
        {
            Array.Clear(_slots);
        }

        _count = 0;
    }

    /// <summary>Adds the trigrams of one line; none span two lines, since a hit is a line.</summary>
    public void AddLine(ReadOnlySpan<char> line)
    {
        if (line.Length < MinQueryLength || IsFull)
        {
            return;
        }

        ulong a = Fold(line[0]), b = Fold(line[1]);
        for (var i = 2; i < line.Length; i++)
        {
            ulong c = Fold(line[i]);
            if (_count >= MaxPerDocument)
            {
                return;
            }

            Add(Occupied | (a << 32) | (b << 16) | c);
            a = b;
            b = c;
        }
    }

    private void Add(ulong value)
    {
        if (_count * 2 >= _slots.Length)
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
        _count = 0;
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

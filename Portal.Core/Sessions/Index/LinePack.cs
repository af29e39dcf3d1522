using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// A transcript's logical lines as the index stores them: compressed, with each line's first row and kind, so a
/// search hit is confirmed and shown in context without going back to S3. Layout before compression: the line
/// count, then per line its first row, its kind, its UTF-8 length (7-bit varints) and its UTF-8 bytes. Stored: the
/// layout's length (4 bytes, little-endian) and the layout as one LZ4 block, which decompresses six times faster
/// than deflate did at about the same size (ADR 0023): confirming a search candidate is mostly this.
/// </summary>
internal sealed class LinePack : IDisposable
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Starts a pack of <paramref name="count"/> lines.</summary>
    public LinePack(int count)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, Math.Min(count, 1 << 20) * 48));
        WriteVarint(count);
    }

    /// <summary>Adds the next line.</summary>
    public void Add(ReadOnlySpan<char> text, RowKind kind, int firstRow)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Ensure(length + 11);
        WriteVarint(firstRow);
        _buffer[_length++] = (byte)kind;
        WriteVarint(length);
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    /// <summary>The most a layout may hold (a transcript's lines are tens of megabytes at most).</summary>
    internal const int MaxLength = 1 << 30;

    private const int Header = 4;

    /// <summary>The compressed pack: the lines are gathered uncompressed and compressed in one call.</summary>
    public byte[] ToArray()
    {
        var target = ArrayPool<byte>.Shared.Rent(Header + LZ4Codec.MaximumOutputSize(_length));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(target, _length);
            var written = LZ4Codec.Encode(_buffer.AsSpan(0, _length), target.AsSpan(Header), LZ4Level.L00_FAST);
            return target.AsSpan(0, Header + written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(target);
        }
    }

    /// <summary>Unpacks what a pack stored: decompressed in one call, then read from memory.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a pack.</exception>
    public static PackedLines Unpack(byte[] packed)
    {
        using var raw = Decompress(packed);
        return Unpack(raw);
    }

    /// <summary>Unpacks a decompressed pack.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a pack.</exception>
    public static PackedLines Unpack(DecompressedPack raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var bytes = raw.Bytes;
        var at = 0;
        var count = ReadVarint(bytes, ref at);
        if (count < 0 || count > bytes.Length)
        {
            throw new InvalidDataException("The line count is out of range.");
        }

        var rows = new int[count];
        var kinds = new RowKind[count];
        var text = new byte[bytes.Length];
        var textLength = 0;
        for (var i = 0; i < count; i++)
        {
            rows[i] = ReadVarint(bytes, ref at);
            if (at >= bytes.Length)
            {
                throw new InvalidDataException("The pack ends early.");
            }

            kinds[i] = (RowKind)bytes[at++];
            var length = ReadVarint(bytes, ref at);
            if (length < 0 || length > bytes.Length - at)
            {
                throw new InvalidDataException("The pack ends early.");
            }

            bytes.Slice(at, length).CopyTo(text.AsSpan(textLength));
            at += length;
            textLength += length;
            text[textLength++] = (byte)'\n';
        }

        var all = Encoding.UTF8.GetString(text, 0, textLength);
        var starts = new int[count + 1];
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            starts[i] = position;
            position = all.IndexOf('\n', position) + 1;
        }

        starts[count] = position;
        return new PackedLines(all, starts, rows, kinds);
    }

    /// <summary>Decompresses a pack into a pooled buffer, to be checked (<see cref="DecompressedPack.MayContain"/>) before it is unpacked.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a compressed pack.</exception>
    public static DecompressedPack Decompress(byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        var length = packed.Length < Header ? -1 : BinaryPrimitives.ReadInt32LittleEndian(packed);
        if (length is < 0 or > MaxLength)
        {
            throw new InvalidDataException("The pack's length is out of range.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        if (LZ4Codec.Decode(packed.AsSpan(Header), buffer.AsSpan(0, length)) != length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new InvalidDataException("The pack is not a whole LZ4 block of its length.");
        }

        return new DecompressedPack(buffer, length);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private static int ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new InvalidDataException("The pack ends early.");
            }

            var next = bytes[at++];
            value |= (next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A length in the pack is malformed.");
    }

    private void WriteVarint(int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }

        _buffer[_length++] = (byte)v;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

/// <summary>A pack decompressed into a pooled buffer; disposing gives the buffer back.</summary>
internal sealed class DecompressedPack(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>The decompressed layout.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, length);

    /// <summary>
    /// False when no line can hold <paramref name="needle"/>, an ASCII string searched ignoring case: the layout's
    /// bytes are read as Latin-1, where a line's UTF-8 holds an ASCII string exactly where its text does, and no other
    /// byte equals an ASCII letter in either case. True may still be wrong (a match across a line's header): the
    /// lines decide then. Most candidates of a search whose trigrams are everywhere end here, without decoding.
    /// </summary>
    public bool MayContain(SearchValues<string> needle)
    {
        ArgumentNullException.ThrowIfNull(needle);
        var bytes = Bytes;
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var count = Encoding.Latin1.GetChars(bytes, chars);
            return chars.AsSpan(0, count).IndexOfAny(needle) >= 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Lines unpacked: one string holds every text, each ended by LF, so a search folds and scans it once.</summary>
internal sealed class PackedLines(string all, int[] starts, int[] rows, RowKind[] kinds)
{
    /// <summary>Every line's text, each ended by LF.</summary>
    public string All { get; } = all;

    /// <summary>How many lines there are.</summary>
    public int Count => rows.Length;

    /// <summary>The text of line <paramref name="index"/>.</summary>
    public string Text(int index) => All[starts[index]..(starts[index + 1] - 1)];

    /// <summary>The first row (zero-based) of line <paramref name="index"/>.</summary>
    public int FirstRow(int index) => rows[index];

    /// <summary>Where line <paramref name="index"/> comes from.</summary>
    public RowKind Kind(int index) => kinds[index];

    /// <summary>The line that holds character <paramref name="offset"/> of <see cref="All"/>.</summary>
    public int LineAt(int offset)
    {
        var i = Array.BinarySearch(starts, offset);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>Where line <paramref name="index"/> starts in <see cref="All"/>.</summary>
    public int Start(int index) => starts[index];
}

using System.Buffers;
using System.IO.Compression;
using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// A transcript's logical lines as the index stores them: compressed, with each line's first row and kind, so a
/// search hit is confirmed and shown in context without going back to S3. Layout before compression: the line
/// count, then per line its first row, its kind, its UTF-8 length (7-bit varints) and its UTF-8 bytes.
/// </summary>
internal sealed class LinePack : IDisposable
{
    private readonly MemoryStream _raw = new();
    private readonly BinaryWriter _writer;
    private byte[] _bytes = new byte[1024];

    /// <summary>Starts a pack of <paramref name="count"/> lines.</summary>
    public LinePack(int count)
    {
        _writer = new BinaryWriter(_raw, Encoding.UTF8, leaveOpen: true);
        _writer.Write7BitEncodedInt(count);
    }

    /// <summary>Adds the next line.</summary>
    public void Add(ReadOnlySpan<char> text, RowKind kind, int firstRow)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (needed > _bytes.Length)
        {
            _bytes = new byte[Math.Max(needed, _bytes.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(text, _bytes);
        _writer.Write7BitEncodedInt(firstRow);
        _writer.Write((byte)kind);
        _writer.Write7BitEncodedInt(length);
        _writer.Write(_bytes, 0, length);
    }

    /// <summary>The compressed pack: the lines are gathered uncompressed and deflated in one call.</summary>
    public byte[] ToArray()
    {
        _writer.Flush();
        using var output = new MemoryStream((int)(_raw.Length / 3) + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(_raw.GetBuffer(), 0, (int)_raw.Length);
        }

        return output.ToArray();
    }

    /// <summary>Packs lines in one call.</summary>
    public static byte[] Pack(IReadOnlyList<(string Text, RowKind Kind, int FirstRow)> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using var pack = new LinePack(lines.Count);
        foreach (var (text, kind, firstRow) in lines)
        {
            pack.Add(text, kind, firstRow);
        }

        return pack.ToArray();
    }

    /// <summary>Unpacks what a pack stored.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a pack.</exception>
    public static PackedLines Unpack(byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        using var input = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var reader = new BinaryReader(input, Encoding.UTF8);
        try
        {
            var count = reader.Read7BitEncodedInt();
            if (count < 0 || count > packed.Length * 1024L)
            {
                throw new InvalidDataException("The line count is out of range.");
            }

            var rows = new int[count];
            var kinds = new RowKind[count];
            var lengths = new int[count];
            using var text = new MemoryStream(packed.Length * 4);
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    rows[i] = reader.Read7BitEncodedInt();
                    kinds[i] = (RowKind)reader.ReadByte();
                    var length = reader.Read7BitEncodedInt();
                    if (length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(length);
                    }

                    input.ReadExactly(buffer, 0, length);
                    text.Write(buffer, 0, length);
                    text.WriteByte((byte)'\n');
                    lengths[i] = length;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var all = Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
            var starts = new int[count + 1];
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                starts[i] = at;
                at = all.IndexOf('\n', at) + 1;
            }

            starts[count] = at;
            return new PackedLines(all, starts, rows, kinds);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The pack ends early.", ex);
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _raw.Dispose();
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

using System.Buffers;
using System.IO.Compression;
using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// A transcript's logical lines as the index stores them: compressed, with each line's first row and kind, so a
/// search hit is confirmed and shown in context without going back to S3. Layout before compression: the line
/// count, then per line its first row and kind (7-bit varints), then the texts in UTF-8, each ended by LF.
/// </summary>
internal static class LinePack
{
    /// <summary>Packs lines for storage.</summary>
    public static byte[] Pack(IReadOnlyList<(string Text, RowKind Kind, int FirstRow)> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(deflate, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt(lines.Count);
            foreach (var line in lines)
            {
                writer.Write7BitEncodedInt(line.FirstRow);
                writer.Write((byte)line.Kind);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                foreach (var line in lines)
                {
                    var needed = Encoding.UTF8.GetMaxByteCount(line.Text.Length) + 1;
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }

                    var length = Encoding.UTF8.GetBytes(line.Text, buffer);
                    buffer[length] = (byte)'\n';
                    writer.Write(buffer, 0, length + 1);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return output.ToArray();
    }

    /// <summary>Unpacks what <see cref="Pack"/> stored.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a pack.</exception>
    public static PackedLines Unpack(byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        using var input = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var reader = new BinaryReader(input, Encoding.UTF8);
        var count = reader.Read7BitEncodedInt();
        if (count < 0)
        {
            throw new InvalidDataException("A line count cannot be negative.");
        }

        var rows = new int[count];
        var kinds = new RowKind[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = reader.Read7BitEncodedInt();
            kinds[i] = (RowKind)reader.ReadByte();
        }

        using var text = new MemoryStream();
        input.CopyTo(text);
        var all = Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
        var starts = new int[count + 1];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            starts[i] = at;
            var lf = all.IndexOf('\n', at);
            if (lf < 0)
            {
                throw new InvalidDataException("The pack holds fewer lines than it says.");
            }

            at = lf + 1;
        }

        starts[count] = at;
        return new PackedLines(all, starts, rows, kinds);
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

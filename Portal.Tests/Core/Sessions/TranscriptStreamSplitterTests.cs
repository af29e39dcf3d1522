using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>Header, body and footer found in a transcript that arrives in pieces, exactly as in the whole file.</summary>
public sealed class TranscriptStreamSplitterTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>
        {
            string.Empty,
            "Script started on x",
            "Script started on x\n",
            "Script start",
            "Script started on x\nScript done on y\n",
            "Script started on x\nbody\r\n\nScript done on y\n",
            "Script started on x\nbody\r\n\nScript done on y",
            "Script started on x\nbody\r\n\nScript done on y\nmore\n",
            "body\nScript done on y\n\n",
            "echo \"\nScript done on\" here\nand after\n",
            "\nScript done on y\n",
            "\n\n\n",
            "body\nScript don",
            "body\nScript done on y\nScript done on z\n",
        };
        foreach (var file in Directory.GetFiles(DataDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            data.Add("file:" + Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnyCutIntoPieces_SplitsAsTheWholeFile(string input)
    {
        var content = input.StartsWith("file:", StringComparison.Ordinal) ? File.ReadAllBytes(Path.Combine(DataDirectory, input[5..])) : Encoding.UTF8.GetBytes(input);
        var whole = TranscriptFile.Parse(content);
        var expected = content.AsSpan(whole.BodyOffset, whole.BodyLength).ToArray();
        var random = new Random(content.Length);

        foreach (var piece in new[] { 1, 2, 3, 7, 16, 64, 4096, int.MaxValue, -1 })
        {
            var body = new List<byte>();
            var splitter = new TranscriptStreamSplitter(b => body.AddRange(b.ToArray()));
            for (var at = 0; at < content.Length;)
            {
                var length = Math.Min(piece < 0 ? random.Next(1, 300) : piece, content.Length - at);
                splitter.Push(content.AsSpan(at, length));
                at += length;
            }

            splitter.Complete();
            Assert.Equal((whole.Header, whole.Footer), (splitter.Header, splitter.Footer));
            Assert.True(expected.AsSpan().SequenceEqual(body.ToArray()), $"the body differs with pieces of {piece}");
        }
    }
}

using System.Text;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>A render fed from a stream as it downloads, read while it grows: the page's way to show a huge transcript at once.</summary>
public sealed class BackgroundRenderTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts");

    public static TheoryData<string> Recordings() => [.. Directory.GetFiles(DataDirectory, "*.log").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task InTheBackground_GivesWhatTheSynchronousRenderGives_RowForRowAndLineForLine(string sessionId)
    {
        var content = await File.ReadAllBytesAsync(Path.Combine(DataDirectory, sessionId + ".log"));

        var whole = TranscriptRender.Render(content, null).Document;
        var background = (await TranscriptRender.StartAsync(new TrickleStream(content, 7_919), content.Length, long.MaxValue, null, null)).Document;
        await background.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((whole.Columns, whole.Rows, whole.RowCount, whole.LineCount, whole.Title), (background.Columns, background.Rows, background.RowCount, background.LineCount, background.Title));
        Assert.Equal((whole.Header, whole.Footer), (background.Header, background.Footer));
        for (var row = 0; row < whole.RowCount; row++)
        {
            Assert.Equal((whole.RowKind(row), whole.RowHtml(row)), (background.RowKind(row), background.RowHtml(row)));
        }

        Assert.Equal(whole.LineTexts(), background.LineTexts());
    }

    [Fact]
    public async Task WhileItRenders_RowsAppearInOrder_AndEveryPublishedRowReadsAsItWillStay()
    {
        // 40 MB of numbered lines with a `clear` in the middle (which marks published rows as wiped, joining none).
        var builder = new StringBuilder();
        for (var i = 0; i < 2_000_000; i++)
        {
            builder.Append("line ").Append(i).Append(" \u001b[32mok\u001b[0m").Append(i % 3 == 0 ? " and a long tail that wraps past eighty columns for sure, yes it does, really" : string.Empty).Append("\r\n");
            if (i == 1_000_000)
            {
                builder.Append("\u001b[H\u001b[2J\u001b[3J");
            }
        }

        var content = Encoding.UTF8.GetBytes(builder.ToString());
        var document = (await TranscriptRender.StartAsync(new TrickleStream(content, 256 << 10), content.Length, long.MaxValue, 80, null)).Document;
        Assert.InRange(document.RowCount, 1, 1_000_000); // the first rows are in, long before the last

        var seen = new List<int>();
        while (!document.IsComplete)
        {
            var rows = document.RowCount;
            var lines = document.LineCount;
            seen.Add(rows);
            if (rows > 0)
            {
                // The newest published row and line read without tearing, whatever the render is doing.
                Assert.StartsWith("line ", document.RowText(document.LineFirstRow(lines - 1)), StringComparison.Ordinal);
                _ = document.RowHtml(rows - 1);
            }

            await Task.Delay(5);
        }

        await document.Completion;
        Assert.True(seen.Count > 2, "the document should be read several times while it renders");
        Assert.Contains(seen, rows => rows > 0 && rows < document.RowCount); // rows were readable before the end
        Assert.Equal(seen.Order(), seen); // and only ever grew

        var whole = TranscriptRender.Render(content, 80).Document;
        Assert.Equal((whole.RowCount, whole.LineCount), (document.RowCount, document.LineCount));
        foreach (var row in new[] { 0, 1_000_000, whole.RowCount / 2, whole.RowCount - 1 })
        {
            Assert.Equal((whole.RowKind(row), whole.RowText(row)), (document.RowKind(row), document.RowText(row)));
        }

        Assert.Equal(RowKind.Cleared, document.RowKind(10)); // wiped by the clear after it was published
        Assert.Equal("line 1999999 ok", document.LineText(document.LineCount - 1));
    }

    [Fact]
    public async Task AStreamThatBreaksPartway_KeepsWhatWasRendered_AndTheCompletionSaysWhy()
    {
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400_000).Select(i => $"row {i}\r\n")));

        var document = (await TranscriptRender.StartAsync(new TrickleStream(content, 64 << 10, failAfter: 3 << 20), content.Length, long.MaxValue, 80, null)).Document;

        var error = await Assert.ThrowsAsync<IOException>(() => document.Completion);
        Assert.Equal("the connection was reset", error.Message);
        Assert.Equal("row 0", document.RowText(0));
        Assert.InRange(document.RowCount, 1, 399_999);
    }

    [Fact]
    public async Task ARenderThatFails_KeepsWhatItPublished_AndSaysSoThroughItsCompletion()
    {
        var terminal = new TerminalEmulator(80, 24);
        terminal.Write("one\r\n"u8.ToArray().Concat(Enumerable.Repeat((byte)'\n', 30)).ToArray());
        terminal.Publish();
        terminal.Fail(new InvalidOperationException("boom"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => terminal.Document.Completion);
        Assert.Equal("boom", error.Message);
        Assert.Equal("one", terminal.Document.RowText(0));
    }

    /// <summary>Hands out a transcript a little at a time, as a slow download would, and can break partway.</summary>
    private sealed class TrickleStream(byte[] content, int piece, long failAfter = long.MaxValue) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position >= failAfter)
            {
                throw new IOException("the connection was reset");
            }

            var n = (int)Math.Min(Math.Min(piece, buffer.Length), content.Length - _position);
            content.AsMemory((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

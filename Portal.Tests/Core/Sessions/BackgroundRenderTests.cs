using System.Text;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>A render on its own thread, read while it grows: the page's way to show a huge transcript at once.</summary>
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
        var background = TranscriptRender.RenderInBackground(content, null).Document;
        await background.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((whole.Columns, whole.RowCount, whole.LineCount, whole.Title), (background.Columns, background.RowCount, background.LineCount, background.Title));
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
        var document = TranscriptRender.RenderInBackground(content, 80).Document;

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
}

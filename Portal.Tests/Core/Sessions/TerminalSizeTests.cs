using System.Text;
using System.Text.Json;
using Portal.Core.Sessions;

namespace Portal.Tests.Core.Sessions;

/// <summary>The terminal's size, which Session Manager does not record, inferred from what programs drew.</summary>
public sealed class TerminalSizeTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts");

    [Theory]
    [InlineData("plain output\r\n", 80, 24)]
    [InlineData("\u001b[24;63H1,1", 80, 24)]
    [InlineData("\u001b[1;132Hx", 132, 24)]
    [InlineData("\u001b[200Gx\u001b[5;150f", 200, 24)]
    [InlineData("\u001b[1;9999Hx\u001b[99999;1Hx", 80, 24)] // past any real terminal: not believed
    [InlineData("\u001b[31;1m\u001b[2J\u001b[H", 80, 24)]
    [InlineData("\u001b[", 80, 24)]
    [InlineData("\u001b[1;40r", 80, 40)] // a scroll region set to the screen
    [InlineData("\u001b[30;1Hstatus", 80, 30)] // a row addressed and drawn on
    [InlineData("\u001b[41;1H\r\n\u001b[K$ ", 80, 24)] // top leaves the cursor past its last row: addressed, never drawn on
    [InlineData("\u001b[01;31m\u001b[Kmatch\u001b[m\u001b[K and the rest of a long grep line that goes on and on and on past eighty columns\r\n", 80, 24)]
    public void Infers_TheLeastSizeTheTranscriptShows(string body, int columns, int rows)
    {
        var document = TranscriptRender.Render(Encoding.UTF8.GetBytes(body), null).Document;

        Assert.Equal((columns, rows), (document.Columns, document.Rows));
    }

    [Fact]
    public void ATopLikeScreen_PaddedLinesErasedToTheirEnd_GivesItsWidthAndHeight()
    {
        var frame = new StringBuilder();
        for (var row = 1; row <= 40; row++)
        {
            frame.Append($"{row,5} root      20   0".PadRight(120)).Append("\u001b[m\u001b[39;49m\u001b[K").Append(row < 40 ? "\r\n" : string.Empty);
        }

        // As top does: clear the screen once, then draw each frame from home.
        var document = TranscriptRender.Render(Encoding.UTF8.GetBytes("\u001b[H\u001b[2J" + frame + "\u001b[H" + frame), null).Document;

        Assert.Equal((120, 40), (document.Columns, document.Rows));
        Assert.Equal(40, document.RowCount); // the second frame drew over the first: nothing scrolled away
    }

    [Fact]
    public void AChosenWidth_OverridesTheColumns_AndTheRowsAreStillInferred()
    {
        var document = TranscriptRender.Render(Encoding.UTF8.GetBytes("\u001b[1;40r\u001b[1;132Hx"), 100).Document;

        Assert.Equal((100, 40), (document.Columns, document.Rows));
    }

    [Fact]
    public void AWiderProgramLater_GrowsTheTerminalFromThere_RowsBeforeKeepTheirWidth()
    {
        var body = new StringBuilder();
        while (body.Length < 3_000_000)
        {
            body.Append("an ordinary line of shell output\r\n");
        }

        body.Append("\u001b[?1049h\u001b[1;1Htop line\u001b[40;139Hbottom right\u001b[?1049l$ ");
        var document = TranscriptRender.Render(Encoding.UTF8.GetBytes(body.ToString()), null).Document;

        Assert.Equal((150, 40), (document.Columns, document.Rows));
        Assert.Equal(80, document.ColumnsOf(0));
        Assert.Equal(150, document.ColumnsOf(document.RowCount - 1));
    }

    public static TheoryData<string> Recordings() => [.. Directory.GetFiles(Path.Combine(DataDirectory, "transcripts"), "*.log").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Recordings))]
    public void EveryRecording_InfersNoMoreThanItsRealSize(string sessionId)
    {
        using var sizes = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, "sizes.json")));
        var real = sizes.RootElement.GetProperty(sessionId);
        var (columns, rows) = (real.GetProperty("cols").GetInt32(), real.GetProperty("rows").GetInt32());
        if (sessionId == "bob-b739a6a051e12db98")
        {
            (columns, rows) = (132, 43); // resized from 80x24 during the session
        }

        var document = TranscriptRender.Render(File.ReadAllBytes(Path.Combine(DataDirectory, "transcripts", sessionId + ".log")), null).Document;

        Assert.InRange(document.Columns, 80, Math.Max(80, columns));
        Assert.InRange(document.Rows, 24, Math.Max(24, rows));
    }
}

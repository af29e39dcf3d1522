using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

public sealed class TerminalWidthTests
{
    [Theory]
    [InlineData("plain output\r\n", 80)]
    [InlineData("\u001b[24;63H1,1", 80)]
    [InlineData("\u001b[1;132Hx", 132)]
    [InlineData("\u001b[200Gx\u001b[5;150f", 200)]
    [InlineData("\u001b[1;9999Hx", 80)]
    [InlineData("\u001b[31;1m\u001b[2J\u001b[H", 80)]
    [InlineData("\u001b[", 80)]
    public void Detect_TakesTheRightmostAddressedColumn(string body, int width) =>
        Assert.Equal(width, TerminalWidth.Detect(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Detect_VimRecordingAt80Columns_Is80()
    {
        var content = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts", "j.smith@example.com-0df6afc3430e6015d.log"));
        var file = TranscriptFile.Parse(content);

        Assert.Equal(80, TerminalWidth.Detect(content.AsSpan(file.BodyOffset, file.BodyLength)));
    }
}

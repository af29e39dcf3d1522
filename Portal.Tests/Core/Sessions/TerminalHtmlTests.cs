using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

public sealed class TerminalHtmlTests
{
    [Fact]
    public void Row_HostileText_IsEncodedNotMarkup()
    {
        var html = Render("<script>alert('x')</script> & <img src=x onerror=alert(1)>").RowHtml(0);

        Assert.Equal("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;", html);
    }

    [Fact]
    public void Row_ColoursAndAttributes_BecomeInlineCss()
    {
        var html = Render("\u001b[1;31mERR\u001b[0m ok \u001b[38;2;1;2;3;48;5;21;4mX\u001b[m").RowHtml(0);

        Assert.Equal("<span style=\"color:#ff0000;font-weight:bold;\">ERR</span> ok <span style=\"color:#010203;background:#0000ff;text-decoration:underline;\">X</span>", html);
    }

    [Fact]
    public void Row_JapaneseAndWideCharacters_StayReadable()
    {
        Assert.Equal("デプロイ完了 ✅", Render("デプロイ完了 ✅").RowHtml(0));
    }

    [Fact]
    public async Task WriteDocument_IsSelfContainedAndEncodesMetadata()
    {
        var terminal = new TerminalEmulator();
        terminal.Write(Encoding.UTF8.GetBytes("$ vim\r\n\u001b[?1049hinside\u001b[?1049l$ "));
        using var writer = new StringWriter();

        await TerminalHtml.WriteDocumentAsync(writer, "alice-0123 <b>", [new("S3 key", "sessionmanager/\"x\".log")], terminal.Finish());

        var html = writer.ToString();
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>alice-0123 &lt;b&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("sessionmanager/&quot;x&quot;.log", html, StringComparison.Ordinal);
        Assert.Contains("── last screen of a full-screen program ──", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"kept\">inside</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    private static TranscriptDocument Render(string text)
    {
        var terminal = new TerminalEmulator();
        terminal.Write(Encoding.UTF8.GetBytes(text));
        return terminal.Finish();
    }
}

using System.Text;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>
/// A transcript holds whatever the session printed. Each of these renders to completion with output bounded by
/// the input (or stops at the documented limits and says so), and keeps every byte encoded.
/// </summary>
public sealed class HostileTranscriptTests
{
    [Fact]
    public void Empty_RendersOneBlankRow()
    {
        var render = TranscriptRender.Render([], null);

        Assert.Equal(1, render.Document.RowCount);
        Assert.Equal(string.Empty, render.Document.LineText(0));
        Assert.Null(render.Document.Header);
    }

    [Fact]
    public void Truncated_MidSequenceAndMidCharacter_KeepsWhatCameBefore()
    {
        var bytes = Encoding.UTF8.GetBytes("Script started on 2026-11-27 06:30:04+00:00\n$ echo 日本\r\n日").AsSpan();
        var render = TranscriptRender.Render([.. bytes[..^2], .. "\u001b[38;2;1"u8], null);

        Assert.Equal("$ echo 日本", render.Document.LineText(0));
        Assert.Null(render.Document.Footer);
        Assert.False(render.Document.Truncated);
    }

    [Fact]
    public void OneTenMegabyteLine_WrapsIntoRowsAndIsShownCut()
    {
        var line = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 1_000_000)));

        var document = TranscriptRender.Render(line, 80).Document;

        Assert.Equal(125_000, document.RowCount);
        Assert.Equal(1, document.LineCount);
        Assert.Equal(10_000_000, document.LineText(0).Length);
        var shown = document.LineDisplayText(0);
        Assert.True(shown.Length < 21_000);
        Assert.Contains("more characters", shown, StringComparison.Ordinal);
        Assert.InRange(document.ApproximateBytes, 10_000_000, 30_000_000);
    }

    [Fact]
    public void EndlessParameters_AreCapped()
    {
        var input = Encoding.ASCII.GetBytes("\u001b[" + string.Concat(Enumerable.Repeat("99999;", 1_000_000)) + "mafter");

        var terminal = new TerminalEmulator();
        terminal.Write(input);

        Assert.Equal("after", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void UnterminatedOscAndDcs_SwallowOnlyTheirPayload_AndTitlesAreCapped()
    {
        var input = Encoding.ASCII.GetBytes("\u001b]0;" + new string('t', 5_000_000) + "\u0007title done\r\n\u001bP" + new string('d', 5_000_000) + "\u001b\\dcs done");

        var terminal = new TerminalEmulator();
        terminal.Write(input);

        Assert.True(terminal.Title!.Length <= 256);
        Assert.Equal(["title done", "dcs done"], terminal.NormalBuffer.Take(2).Select(r => r.ToText()));
    }

    [Fact]
    public void RandomBinary_RendersWithOutputBoundedByInput()
    {
        var random = new Random(7);
        var input = new byte[4 << 20];
        random.NextBytes(input);

        var document = TranscriptRender.Render(input, null).Document;

        Assert.InRange(document.RowCount, 1, input.Length);
        Assert.True(document.ApproximateBytes < input.Length * 8L);
        using var html = new StringWriter();
        for (var row = 0; row < Math.Min(document.RowCount, 5000); row++)
        {
            document.WriteRowHtml(html, row);
        }

        Assert.DoesNotContain("<script", html.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u001b", html.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatFlood_StopsAtTheCharacterLimitAndSaysSo()
    {
        // Each REP prints 65,535 characters from 9 bytes, as xterm.js does; 2,000 of them would be 131 million.
        var input = Encoding.ASCII.GetBytes("x" + string.Concat(Enumerable.Repeat("\u001b[65535b", 2_000)));

        var document = TranscriptRender.Render(input, 80).Document;

        Assert.True(document.Truncated);
        var bound = TerminalEmulator.BaseTranscriptChars + (4L * input.Length);
        Assert.InRange(document.ApproximateBytes, 1, (bound * 2) + ((TerminalEmulator.BaseTranscriptRows + (2L * input.Length)) * 12L));
    }

    [Fact]
    public void ScrollFlood_StopsAtTheRowLimitAndSaysSo()
    {
        // Each CSI 24 S scrolls a whole screen into history from 5 bytes: 250,000 of them would be 6 million rows.
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("x\u001b[24S", 250_000)));

        var document = TranscriptRender.Render(input, 80).Document;

        Assert.True(document.Truncated);
        // The limit grows with the bytes read so far: the flood stops well short of its 6 million rows.
        Assert.InRange(document.RowCount, TerminalEmulator.BaseTranscriptRows, TerminalEmulator.BaseTranscriptRows + (2 * input.Length) + 24);
    }

    [Fact]
    public void ALongOrdinaryTranscript_IsNeverCutForItsSize()
    {
        // 6 million short lines: past the old 5-million-row cap, and each row needs its own bytes, so it is whole.
        var input = new byte[6_000_000 * 3];
        for (var i = 0; i < input.Length; i += 3)
        {
            input[i] = (byte)'x';
            input[i + 1] = (byte)'\r';
            input[i + 2] = (byte)'\n';
        }

        var document = TranscriptRender.Render(input, 80).Document;

        Assert.False(document.Truncated);
        Assert.Equal(6_000_000, document.RowCount);
        Assert.Equal("x", document.RowText(document.RowCount - 1));
    }

    [Fact]
    public void AlternateScreenStorm_KeepsOneSnapshotPerVisit_BoundedByInput()
    {
        var visit = "\u001b[?1049hscreen\u001b[?1049l";
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(visit, 50_000)));

        var document = TranscriptRender.Render(input, 80).Document;

        Assert.InRange(document.RowCount, 50_000, 50_100);
        Assert.Equal(RowKind.FullScreenSnapshot, document.RowKind(0));
    }

    [Fact]
    public void HtmlOfHostileText_IsEncoded()
    {
        var document = TranscriptRender.Render("<img src=x onerror=alert(1)>&\"'\u001b[31m<b>\u001b]8;;javascript:alert(1)\u0007link\u001b]8;;\u0007"u8.ToArray(), 80).Document;

        var html = document.RowHtml(0);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img", html, StringComparison.Ordinal);
        Assert.Contains("<span style=\"color:#cd0000;\">&lt;b&gt;link</span>", html, StringComparison.Ordinal);
    }
}

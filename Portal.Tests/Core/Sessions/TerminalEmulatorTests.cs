using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

public sealed class TerminalEmulatorTests
{
    [Fact]
    public void Write_WideCharacterAtTheLastColumn_WrapsAndJoinsWithoutTheSkippedCell()
    {
        var terminal = Feed(new string('a', 79) + "日本", columns: 80);

        Assert.Equal(new string('a', 79), terminal.NormalBuffer[0].ToText());
        Assert.True(terminal.NormalBuffer[1].IsWrapped);
        Assert.Equal("日本", terminal.NormalBuffer[1].ToText());
        Assert.Equal(2, terminal.NormalBuffer[1][0].Width);
        Assert.Equal(0, terminal.NormalBuffer[1][1].Width);
        Assert.Equal(new string('a', 79) + "日本", terminal.LogicalLines()[0]);
    }

    [Fact]
    public void Write_CombiningMarkAndZwj_JoinThePreviousCell()
    {
        var terminal = Feed("e\u0301x👍\u200d");

        Assert.Equal("e\u0301", terminal.NormalBuffer[0][0].Text);
        Assert.Equal("x", terminal.NormalBuffer[0][1].Text);
        Assert.Equal("e\u0301x👍\u200d", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void Write_InvalidUtf8_BecomesReplacementCharacter()
    {
        var terminal = new TerminalEmulator();

        terminal.Write([(byte)'a', 0xFF, 0xC3, (byte)'b', 0xE2, 0x82]);
        terminal.Write([0xAC, (byte)'!']);

        Assert.Equal("a\uFFFD\uFFFDb€!", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void Write_RepeatBomb_IsCappedAtTheParameterLimit()
    {
        var terminal = Feed("a\u001b[999999999b", columns: 100, rows: 5);

        var count = terminal.NormalBuffer.Sum(r => r.ToText().Count(c => c == 'a'));

        Assert.Equal(1 + VtParser.MaxParamValue, count);
    }

    [Fact]
    public void Write_OscTitle_IsMetadata_AndClipboardAndLinksAreInert()
    {
        var terminal = Feed("\u001b]0;ssm-user@bastion:~\u0007\u001b]52;c;ZWNobyBoaQ==\u0007\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007");

        Assert.Equal("ssm-user@bastion:~", terminal.Title);
        Assert.Equal("link", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void Write_EndlessOscAndHugeCsi_StayBoundedAndLaterTextPrints()
    {
        var terminal = Feed("\u001b]0;" + new string('x', 200_000) + "\u0007" + "\u001b[" + string.Concat(Enumerable.Repeat("1;", 50_000)) + "mafter");

        Assert.Equal(256, terminal.Title!.Length);
        Assert.Equal("after", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void Write_CancelInsideSequence_AbortsIt()
    {
        var terminal = Feed("\u001b[31\u0018X");

        Assert.Equal("X", terminal.NormalBuffer[0].ToText());
        Assert.Equal(CellStyle.Default, terminal.NormalBuffer[0][0].Style);
    }

    [Fact]
    public void Write_DecLineDrawing_MapsToBoxCharacters()
    {
        var terminal = Feed("\u001b(0lqk\u001b(Bq");

        Assert.Equal("┌─┐q", terminal.NormalBuffer[0].ToText());
    }

    [Fact]
    public void Write_Sgr_SetsPaletteTruecolorAndAttributes()
    {
        var terminal = Feed("\u001b[1;3;38;5;196;48;2;1;2;3mA\u001b[0;4:3;38:2::10:20:30mB\u001b[mC");

        var cells = terminal.NormalBuffer[0];
        Assert.Equal(new CellStyle(196, CellStyle.TrueColorBit | 0x010203, CellAttributes.Bold | CellAttributes.Italic), cells[0].Style);
        Assert.Equal(new CellStyle(CellStyle.TrueColorBit | 0x0A141E, CellStyle.DefaultColor, CellAttributes.Underline), cells[1].Style);
        Assert.Equal(CellStyle.Default, cells[2].Style);
    }

    [Fact]
    public void Transcript_FullScreenProgram_KeepsItsLastScreenWhereItRan()
    {
        var terminal = Feed("$ vim notes\r\n\u001b[?1049h\u001b[H\u001b[2Jhello from vim\u001b[2;1H~\u001b[?1049l$ ls\r\n");

        var rows = terminal.Transcript().Where(r => r.Row.ToText().Length > 0).Select(r => (r.Row.ToText(), r.Kind)).ToList();

        Assert.Equal(
            [("$ vim notes", RowKind.Live), ("hello from vim", RowKind.FullScreenSnapshot), ("~", RowKind.FullScreenSnapshot), ("$ ls", RowKind.Live)],
            rows);
        Assert.DoesNotContain(terminal.NormalBuffer, r => r.ToText() == "hello from vim");
        Assert.Equal(1, terminal.AlternateScreenEntries);
    }

    [Fact]
    public void Transcript_ClearAndScreenErases_KeepWhatTheyWiped_SoTheCommandBeforeTopIsOnRecord()
    {
        var terminal = Feed("before 1\r\nbefore 2\r\n$ clear\r\n\u001b[H\u001b[2J\u001b[3J$ top\r\n\u001b[H\u001b[2Jframe 1\u001b[H\u001b[2Jframe 2\r\n", rows: 3);

        var rows = terminal.Transcript().Where(r => r.Row.ToText().Length > 0).Select(r => (r.Row.ToText(), r.Kind)).ToList();

        // xterm.js keeps only "frame 2"; the transcript keeps, marked as wiped, what clear and each ED 2 erased.
        Assert.Equal(
            [("before 1", RowKind.Cleared), ("before 2", RowKind.Cleared), ("$ clear", RowKind.Cleared), ("$ top", RowKind.Cleared), ("frame 1", RowKind.Cleared), ("frame 2", RowKind.Live)],
            rows);
        Assert.Equal(["frame 2"], terminal.NormalBuffer.Select(r => r.ToText()).Where(t => t.Length > 0));
    }

    [Fact]
    public void Transcript_LiveRows_AreTheNormalBuffer()
    {
        var terminal = Feed("a\r\n\u001b[?1049hX\u001b[?1049lb\r\nc\u001b[H\u001b[2J\u001b[3Jd", rows: 2);

        var live = terminal.Transcript().Where(r => r.Kind == RowKind.Live).Select(r => r.Row.ToText());

        Assert.Equal(terminal.NormalBuffer.Select(r => r.ToText()), live);
    }

    [Theory]
    [InlineData("Script started on 2026-11-27 06:30:04+00:00 [COMMAND=\"cat x\" <not executed on terminal>]\nBODY\r\nScript done on 2026-11-27 06:30:05+00:00 [COMMAND_EXIT_CODE=\"0\"]\n", "BODY\r", true)]
    [InlineData("Script started on 2026-11-27\nBODY echo \"\nScript done on fake\" more\nmore", "BODY echo \"\nScript done on fake\" more\nmore", false)]
    [InlineData("no header at all\n", "no header at all\n", false)]
    [InlineData("", "", false)]
    public void TranscriptFile_Parse_FindsTheBody(string content, string body, bool hasFooter)
    {
        var bytes = Encoding.UTF8.GetBytes(content);

        var file = TranscriptFile.Parse(bytes);

        Assert.Equal(body, Encoding.UTF8.GetString(bytes, file.BodyOffset, file.BodyLength));
        Assert.Equal(hasFooter, file.Footer is not null);
    }

    private static TerminalEmulator Feed(string text, int columns = 80, int rows = 24)
    {
        var terminal = new TerminalEmulator(columns, rows);
        terminal.Write(Encoding.UTF8.GetBytes(text));
        return terminal;
    }
}

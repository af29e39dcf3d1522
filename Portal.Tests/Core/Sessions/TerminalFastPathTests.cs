using System.Globalization;
using System.Text;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>
/// The emulator's fast paths (runs of simple lines straight to history, control sequences read from the bytes) store
/// exactly what the parser's path stores: the same bytes written at once, where the fast paths take them, and one
/// byte at a time, where they cannot, give the same rows, kinds, wraps, styles and screen.
/// </summary>
public sealed class TerminalFastPathTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts");

    public static TheoryData<string> Recordings()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(DataDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void ARecording_WrittenAtOnce_StoresWhatItStoresByteByByte(string file) =>
        _ = AssertSame(File.ReadAllBytes(Path.Combine(DataDirectory, file)), 80, 24);

    [Theory]
    [InlineData(80, 24)]
    [InlineData(20, 5)]
    [InlineData(7, 3)]
    public void ShellOutput_OfEveryShape_WrittenAtOnce_StoresWhatItStoresByteByByte(int columns, int rows)
    {
        var random = new Random(columns * rows);
        var text = new StringBuilder("$ seq 1 3000\r\n");
        for (var i = 0; i < 3000; i++)
        {
            // Short lines, empty ones, exactly a row, a row and one, several rows, CR CR LF, and now and then a colour
            // or a cursor move between them.
            var line = (i % 61) switch
            {
                4 => $"\u001b[01;34m{i}\u001b[0m plain",
                5 => $"{i}\u001b[K",
                6 => $"\u001b[32m{i} green to the end of the line and the next",
                7 => $"\u001b[0m{new string('w', columns + 3)}",
                8 => $"\u001b[44m{i} on blue\u001b[49m",
                9 => $"\u001b[41m{i} a line feed on red",
                10 => "\u001b[0m",
                11 => $"\u001b[1m\u001b[;31m{i}\u001b[m{new string('c', columns)}",
                _ => (i % 11) switch
                {
                    0 => string.Empty,
                    1 => new string('x', columns),
                    2 => new string('y', columns + 1),
                    3 => new string('z', (3 * columns) + random.Next(columns)),
                    _ => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
            text.Append(line).Append(i % 7 == 0 ? "\r\r\n" : "\r\n");
        }

        text.Append("\u001b[?1049h\u001b[H\u001b[2Jfull screen\u001b[?1049l$ ");
        var direct = AssertSame(Encoding.UTF8.GetBytes(text.ToString()), columns, rows);
        Assert.InRange(direct, 1000, 30_000); // most rows went straight to history
    }

    [Fact]
    public void ColouredListings_GoMostlyStraightToHistory()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"drwxr-xr-x 2 ssm-user ssm-user 4096 Nov 27 06:17  \u001b[01;34mdir-{i}\u001b[0m\r\r\n");
            text.Append(CultureInfo.InvariantCulture, $"\u001b[0m\u001b[01;32mdeploy-{i}.sh\u001b[0m  plain-{i}.txt  \u001b[01;36mlink-{i}\u001b[0m\r\n");
        }

        var direct = AssertSame(Encoding.UTF8.GetBytes(text.ToString()), 80, 24);
        Assert.True(direct > 3900, $"{direct} rows straight to history");
    }

    [Fact]
    public void ARecordingOfSeq_GoesMostlyStraightToHistory()
    {
        var direct = AssertSame(File.ReadAllBytes(Path.Combine(DataDirectory, "ssm-user-ca6b0a05f0572e41f.log")), 80, 24);
        Assert.True(direct > 1000, $"{direct} rows straight to history");
    }

    [Fact]
    public void AColourWithTooManyParameters_OrASubParameter_IsLeftToTheParser()
    {
        var many = string.Join(';', Enumerable.Repeat("1", 40));
        _ = AssertSame(Encoding.UTF8.GetBytes($"a\u001b[{many}mb\u001b[38:5:196mc\u001b[?25ld\u001b[99999999999;2He\r\n"), 80, 24);
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(20, 5)]
    public void RowsPackedOnTheScreen_ThenReadOrChanged_AreWhatPrintingThemMade(int columns, int rows)
    {
        // Batches of simple lines leave their last rows packed on the screen; then something reads or changes them
        // before they scroll off: the cursor goes up and prints, erases, inserts, deletes, a full-screen program
        // snapshots the screen, the terminal grows, or more lines push them off.
        var random = new Random(columns + rows);
        var text = new StringBuilder();
        for (var batch = 0; batch < 200; batch++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\u001b]0;user@host:~/{batch % 3}\u0007\u001b[?2004h$ ls\r\r\n\u001b[?2004l\r");
            for (var line = 0; line < 4 + random.Next(rows * 2); line++)
            {
                text.Append(line % 3 == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"\u001b[0m\u001b[01;34mdir-{batch}-{line}\u001b[0m  file-{line}\r\r\n")
                    : $"{new string((char)('a' + (line % 26)), random.Next(columns * 2))}\r\n");
            }

            var up = 1 + random.Next(rows - 1);
            text.Append((batch % 9) switch
            {
                0 => $"\u001b[{up}Aover\u001b[{up}B\r",
                1 => $"\u001b[{up}A\u001b[2K\u001b[{up}B\r",
                2 => $"\u001b[{up}A\u001b[3G\u001b[2P\u001b[{up}B\r",
                3 => $"\u001b[{up}A\u001b[2G\u001b[3@in\u001b[{up}B\r",
                4 => "\u001b[?1049h\u001b[H\u001b[2Jvim\u001b[?1049l",
                5 => "\u001b[H\u001b[J",
                6 => $"\u001b[{up};4H\u001b[1K\u001b[{rows};1H",
                7 => "\u001b[2J\u001b[H",
                _ => string.Empty,
            });
        }

        var content = Encoding.UTF8.GetBytes(text.ToString());
        _ = AssertSame(content, columns, rows);

        var grown = new TerminalEmulator(columns, rows);
        grown.Write(content.AsSpan(0, content.Length / 2));
        grown.Grow(columns + 7, rows + 3);
        grown.Write(content.AsSpan(content.Length / 2));
        var grownByBytes = new TerminalEmulator(columns, rows);
        foreach (var b in content.AsSpan(0, content.Length / 2))
        {
            grownByBytes.Write([b]);
        }

        grownByBytes.Grow(columns + 7, rows + 3);
        grownByBytes.Write(content.AsSpan(content.Length / 2));
        Assert.Equal(Describe(grownByBytes), Describe(grown));
    }

    [Fact]
    public void ATitle_SetByAnOscEndedByBel_IsTheParsersOne_AndOtherOscsAreLeftToIt()
    {
        var longTitle = new string('t', VtParser.MaxOscLength + 10);
        foreach (var osc in new[] { "\u001b]0;user@host:~\u0007", "\u001b]2;second\u001b\\", "\u001b]0;caf\u00e9\u0007", $"\u001b]0;{longTitle}\u0007", "\u001b]0;del\u007fhere\u0007", "\u001b]8;;https://example.com\u0007", "\u001b]0;cut" })
        {
            var whole = new TerminalEmulator(80, 24);
            whole.Write(Encoding.UTF8.GetBytes($"\u001b]0;before\u0007{osc}after\r\n"));
            var single = new TerminalEmulator(80, 24);
            foreach (var b in Encoding.UTF8.GetBytes($"\u001b]0;before\u0007{osc}after\r\n"))
            {
                single.Write([b]);
            }

            Assert.Equal(single.Title, whole.Title);
            Assert.Equal(Describe(single), Describe(whole));
        }
    }

    /// <summary>Asserts both ways store the same, and says how many rows the whole write stored straight from its bytes.</summary>
    private static long AssertSame(byte[] content, int columns, int rows)
    {
        var whole = new TerminalEmulator(columns, rows);
        whole.Write(content);
        var single = new TerminalEmulator(columns, rows);
        for (var i = 0; i < content.Length; i++)
        {
            single.Write(content.AsSpan(i, 1));
        }

        Assert.Equal(Describe(single), Describe(whole));
        Assert.Equal(single.Cursor, whole.Cursor);
        Assert.Equal(single.Title, whole.Title);
        Assert.Equal(0, single.RowsStoredFromBytes);
        return whole.RowsStoredFromBytes;
    }

    private static List<string> Describe(TerminalEmulator terminal) =>
        [.. terminal.Transcript().Select(r => $"{r.Kind} {(r.Row.IsWrapped ? "wrapped" : "-")} {r.Row.Columns} " +
            string.Join('|', Enumerable.Range(0, r.Row.Columns).Select(c => r.Row[c]).Select(c => $"{c.Text}/{c.Width}/{c.Style}")))];
}

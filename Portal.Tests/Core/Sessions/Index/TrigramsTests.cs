using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions.Index;

public sealed class TrigramsTests
{
    [Fact]
    public void Query_HasOneValuePerDistinctTrigram_FoldedToLowerCase()
    {
        Assert.Equal(4, Trigrams.QueryValues("rm -rf")!.Length);
        Assert.Equal(Trigrams.QueryValues("RM -RF")!.Order(), Trigrams.QueryValues("rm -rf")!.Order());
        Assert.Single(Trigrams.QueryValues("aaaaaa")!);
        Assert.Null(Trigrams.QueryValues("rm"));
        Assert.Equal([((ulong)'a' << 32) | ((ulong)'b' << 16) | 'c'], Trigrams.QueryValues("abc")!);
    }

    [Fact]
    public void Document_CountsEachTrigramOnce_AndNoneAcrossLines()
    {
        var set = new Trigrams();
        set.AddLine("abcabc");
        set.AddLine("xy");
        set.AddLine("cab");

        Assert.Equal(3, set.Count); // abc, bca, cab
        set.Clear();
        Assert.Equal(0, set.Count);
        Assert.Empty(set.Values());
    }

    [Fact]
    public void Document_GrowsPastItsFirstTable()
    {
        var set = new Trigrams();
        var text = string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)(0x4E00 + i % 20_000)));
        set.AddLine(text);

        Assert.Equal(20_000, set.Count);
        Assert.Equal(20_000, set.Values().Distinct().Count());
    }

    [Fact]
    public void Values_AreAscendingAndDistinct_WithAsciiAndOtherTrigramsMixed()
    {
        var set = new Trigrams();
        set.AddLine("zz café Zz CAFÉ \u212Aelvin kelvin ~~~ 日本語");
        set.AddLine("aaa zz café");

        var values = set.Values();

        Assert.Equal(set.Count, values.Length);
        Assert.Equal(values.Order(), values);
        Assert.Equal(values.Length, values.Distinct().Count());
        // The Kelvin sign folds to k, so its trigram is the ASCII one, held once.
        Assert.Contains(Trigrams.QueryValues("kel")![0], values);
        Assert.Contains(Trigrams.QueryValues("FÉ ")![0], values);
        Assert.Contains(Trigrams.QueryValues("日本語")![0], values);
        set.Clear();
        set.AddLine("abc");
        Assert.Equal(Trigrams.QueryValues("abc"), set.Values());
    }

    [Fact]
    public void LinePack_RoundTrips()
    {
        (string, RowKind, int)[] lines = [("$ ls", RowKind.Live, 0), ("", RowKind.Cleared, 1), ("日本語 é", RowKind.FullScreenSnapshot, 7)];

        using var pack = new LinePack(lines.Length);
        foreach (var (text, kind, firstRow) in lines)
        {
            pack.Add(text, kind, firstRow);
        }

        var unpacked = LinePack.Unpack(pack.ToArray());

        Assert.Equal(3, unpacked.Count);
        Assert.Equal(lines, Enumerable.Range(0, 3).Select(i => (unpacked.Text(i), unpacked.Kind(i), unpacked.FirstRow(i))));
        Assert.Equal(2, unpacked.LineAt(unpacked.Start(2) + 2));
    }

    [Theory]
    [InlineData("SUDO RM", true)] // either case
    [InlineData("ip-10-0-1-23", true)]
    [InlineData("10.0.1.23", false)]
    [InlineData("e ls", false)] // not across lines: é is two bytes, neither of them 'e'
    [InlineData("ls\n", false)]
    public void ADecompressedPack_MayHoldAnAsciiString_OnlyWhereItsLinesDo(string needle, bool may)
    {
        // A check on the inflated bytes before decoding: it may say yes wrongly (the lines decide then), never no.
        (string, RowKind, int)[] lines = [("[ssm-user@ip-10-0-1-23 ~]$ sudo rm x", RowKind.Live, 0), ("日本語 é", RowKind.Live, 1), ("ls", RowKind.Live, 2)];
        using var pack = new LinePack(lines.Length);
        foreach (var (text, kind, firstRow) in lines)
        {
            pack.Add(text, kind, firstRow);
        }

        using var raw = LinePack.Decompress(pack.ToArray());

        Assert.Equal(may, raw.MayContain(System.Buffers.SearchValues.Create([needle], StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(lines.Select(l => l.Item1), Enumerable.Range(0, 3).Select(LinePack.Unpack(raw).Text)); // and unpacks as before
    }

    [Theory]
    [InlineData("Script done on 2025-09-29 16:58:03+00:00 [COMMAND_EXIT_CODE=\"0\"]", "2025-09-29T16:58:03Z")]
    [InlineData("Script started on 2020-05-27 23:00:48+0000", "2020-05-27T23:00:48Z")]
    [InlineData("Script done on 2020-05-27 23:01:53+0900", "2020-05-27T14:01:53Z")]
    [InlineData("Script started on Wed 27 May 2020", null)]
    [InlineData(null, null)]
    public void EndOf_ReadsScriptTimes(string? line, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), TranscriptIndexing.EndOf(line));
}

using Portal.Core.Sessions.Index;

namespace Portal.Tests.Core.Sessions.Index;

/// <summary>
/// The six-character signature never loses a match: every row a query's windows hit is set in any line holding the
/// query, whatever its case or script; and it keeps most rows clear, so a query a transcript lacks seldom passes.
/// </summary>
public sealed class GramSignatureTests
{
    [Theory]
    [InlineData("ssm-user@ip-10-0-1-23 ~]$ sudo tail -n 20 /var/log/secure", "10-0-1-23")]
    [InlineData("ssm-user@ip-10-0-1-23 ~]$ sudo tail -n 20 /var/log/secure", "SUDO TAIL")]
    [InlineData("Accepted publickey for ec2-user from 10.0.1.23 port 50022", "10.0.1.23 port")]
    [InlineData("ファイルを削除しました: /tmp/ビルド-7", "を削除しました")]
    [InlineData("KELVIN \u212A sign folds to k: kkkkkk", "\u212Akkkkk")]
    public void Rows_OfAQuery_AreSetInEveryLineHoldingIt(string line, string query)
    {
        var signature = new GramSignature();
        signature.AddLine("an unrelated line first");
        signature.AddLine(line);
        var bits = signature.ToArray();

        var rows = GramSignature.QueryRows(query);

        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.True((bits[row >> 6] & (1UL << (row & 63))) != 0, $"row {row} of `{query}`"));
    }

    [Fact]
    public void Rows_OfRandomSubstrings_AreAlwaysSet()
    {
        var random = new Random(11);
        const string alphabet = "abcXYZ0123456789.-_/ :@ア字é";
        for (var n = 0; n < 200; n++)
        {
            var line = new string([.. Enumerable.Range(0, random.Next(6, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var signature = new GramSignature();
            signature.AddLine(line);
            var bits = signature.ToArray();
            var start = random.Next(line.Length - 5);
            var query = line.Substring(start, random.Next(6, line.Length - start + 1)).ToUpperInvariant();

            Assert.All(GramSignature.QueryRows(query), row => Assert.True((bits[row >> 6] & (1UL << (row & 63))) != 0));
        }
    }

    [Fact]
    public void QueryRows_AreNoneBelowSixCharacters_AndTwoForEachOfAtMostSixWindows()
    {
        Assert.Empty(GramSignature.QueryRows("10.0."));
        Assert.InRange(GramSignature.QueryRows("10.0.1").Length, 1, 2);
        var rows = GramSignature.QueryRows("/usr/lib/systemd/system/sshd.service; enabled");
        Assert.InRange(rows.Length, 3, 2 * GramSignature.MaxQueryWindows);
        Assert.Equal(rows.Order(), rows);
    }

    [Fact]
    public void Signature_OfATypicalTranscript_KeepsMostRowsClear_AndForgetsOnClear()
    {
        var random = new Random(3);
        var signature = new GramSignature();
        Assert.Empty(signature.ToArray());
        for (var i = 0; i < 2000; i++)
        {
            signature.AddLine($"Nov {random.Next(1, 28),2} {random.Next(24):D2}:{random.Next(60):D2} ip-10-0-1-23 sshd[{random.Next(1000, 65000)}]: from 10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}");
        }

        var set = signature.ToArray().Sum(w => (long)ulong.PopCount(w));
        Assert.InRange(set, 20_000, GramSignature.Rows / 2); // tens of thousands of distinct windows (two rows each), most rows still clear

        signature.Clear();
        Assert.Empty(signature.ToArray());
        signature.AddLine("short");
        Assert.Empty(signature.ToArray()); // no window in a line under six characters
    }
}

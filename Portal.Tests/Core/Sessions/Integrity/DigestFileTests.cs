using System.Text.Json;
using Portal.Core.Sessions.Integrity;

namespace Portal.Tests.Core.Sessions.Integrity;

public sealed class DigestFileTests
{
    [Fact]
    public void KeyFor_SortsByTime_AndEndOfReadsItBack()
    {
        var end = new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

        var key = DigestFile.KeyFor(end);

        Assert.Equal("portal-digests/2026/12/01/20261201T140000Z.json", key);
        Assert.Equal(end, DigestFile.EndOf(key));
        Assert.True(string.CompareOrdinal(key, DigestFile.KeyFor(end.AddMinutes(1))) < 0);
        Assert.True(string.CompareOrdinal(DigestFile.KeyFor(end.AddDays(-1).AddHours(23)), key) < 0);
        Assert.Equal(key, DigestFile.KeyFor(end.ToOffset(TimeSpan.FromHours(9))));
    }

    [Theory]
    [InlineData("sessionmanager/alice-0123456789abcdef0.log")]
    [InlineData("portal-digests/2026/12/01/20261201T140000Z.txt")]
    [InlineData("portal-digests/2026/12/02/20261201T140000Z.json")] // the folder must be the time's own
    [InlineData("portal-digests/2026/12/01/latest.json")]
    public void EndOf_IsNull_ForAnyOtherKey(string key) => Assert.Null(DigestFile.EndOf(key));

    [Fact]
    public void Parse_ReadsWhatToBytesWrote_AndRefusesOtherJson()
    {
        var file = new DigestFile(
            1,
            "logs",
            "sessionmanager/",
            DateTimeOffset.UnixEpoch,
            new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 12, 1, 14, 5, 0, TimeSpan.Zero),
            "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            DigestFile.Algorithm,
            new DigestLink("portal-digests/2026/12/01/20261201T130000Z.json", new string('a', 64)),
            [new DigestedObject("sessionmanager/alice-0123456789abcdef0.log", "v1", 10, new string('b', 64), new DateTimeOffset(2026, 12, 1, 13, 30, 0, TimeSpan.Zero), "alice-0123456789abcdef0")]);

        var bytes = file.ToBytes();
        var json = JsonDocument.Parse(bytes).RootElement;

        Assert.Equal(file with { Objects = file.Objects }, DigestFile.Parse(bytes) with { Objects = file.Objects });
        Assert.Equal(file.Objects, DigestFile.Parse(bytes).Objects);
        Assert.Equal("portal-digests/2026/12/01/20261201T130000Z.json", json.GetProperty("previous").GetProperty("key").GetString());
        Assert.Equal("alice-0123456789abcdef0", json.GetProperty("objects")[0].GetProperty("sessionId").GetString());
        Assert.Throws<JsonException>(() => DigestFile.Parse("{\"version\":1}"u8));
        Assert.Throws<JsonException>(() => DigestFile.Parse("not json"u8));
    }

    [Fact]
    public void Floor_CountsIntervalsFromTheUnixEpoch()
    {
        var at = new DateTimeOffset(2026, 12, 1, 14, 59, 59, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero), DigestWriter.Floor(at, TimeSpan.FromHours(1)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 59, 0, TimeSpan.Zero), DigestWriter.Floor(at, TimeSpan.FromMinutes(1)));
    }
}

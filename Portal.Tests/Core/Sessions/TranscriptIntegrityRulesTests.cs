using Portal.Core.Sessions;

namespace Portal.Tests.Core.Sessions;

public sealed class TranscriptIntegrityRulesTests
{
    private static readonly DateTimeOffset Ended = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, false, true, 0, TranscriptIntegrity.Intact)]
    [InlineData(1, false, true, 59, TranscriptIntegrity.Intact)] // a slow upload is still the agent's
    [InlineData(1, false, true, 60, TranscriptIntegrity.Modified)] // an hour after the end: someone else wrote it
    [InlineData(1, false, false, 60 * 24, TranscriptIntegrity.Modified)]
    [InlineData(1, false, false, 5, TranscriptIntegrity.Truncated)]
    [InlineData(2, false, true, 0, TranscriptIntegrity.Modified)]
    [InlineData(1, true, true, 0, TranscriptIntegrity.Modified)]
    public void Judge_WeighsVersionsFooterAndWhenTheFirstVersionWasWritten(int versions, bool altered, bool footer, int minutesAfterEnd, TranscriptIntegrity expected) =>
        Assert.Equal(expected, TranscriptIntegrityRules.Judge(versions, altered, footer, Ended.AddMinutes(minutesAfterEnd), Ended));

    [Fact]
    public void Judge_WithoutSessionManagersWord_GoesByVersionsAndFooter()
    {
        Assert.Equal(TranscriptIntegrity.Intact, TranscriptIntegrityRules.Judge(1, false, true, Ended.AddDays(3), null));
        Assert.Equal(TranscriptIntegrity.Intact, TranscriptIntegrityRules.Judge(1, false, true, null, Ended));
    }
}

using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

/// <summary>
/// One memory budget for every render in the process: escape-code amplification in several transcripts at once
/// stops at the budget, and the memory comes back when documents are released.
/// </summary>
public sealed class RenderBudgetTests
{
    /// <summary>About 6 KB that render to the 64 Mi-character cap: 2,000 times "repeat the last character 65,535 times".</summary>
    private static readonly byte[] Amplification = Encoding.ASCII.GetBytes("x" + string.Concat(Enumerable.Repeat("\u001b[65535b", 2_000)));

    [Fact]
    public void AReservation_GrowsInSteps_StopsAtTheLimit_AndGivesBack()
    {
        var budget = new RenderBudget(16L << 20);
        var a = budget.Reserve();
        var b = budget.Reserve();

        Assert.True(a.TryGrowTo(1));
        Assert.Equal(4L << 20, a.Held);
        Assert.True(a.TryGrowTo(12L << 20));
        Assert.True(b.TryGrowTo(4L << 20));
        Assert.False(b.TryGrowTo(5L << 20));
        Assert.Equal(16L << 20, budget.InUse);

        a.Dispose();
        Assert.True(b.TryGrowTo(16L << 20));
        b.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void Amplification_StopsAtTheBudget_SaysSo_AndTheMemoryComesBack()
    {
        var budget = new RenderBudget(32L << 20);

        var document = TranscriptRender.Render(Amplification, 80, budget).Document;

        Assert.True(document.OverBudget);
        Assert.True(document.Truncated);
        Assert.InRange(budget.InUse, 1, budget.Limit);
        document.Release();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void TwoAmplifiedTranscriptsAtOnce_TogetherStayWithinTheBudget()
    {
        var budget = new RenderBudget(100L << 20); // one amplified transcript fits (64 Mi characters, kept as bytes), two do not
        var documents = new TranscriptDocument[2];

        Parallel.For(0, 2, i => documents[i] = TranscriptRender.Render(Amplification, 80, budget).Document);

        // Whichever way they interleave, at least one stops, and together they never hold more than the budget.
        Assert.Contains(documents, d => d.OverBudget);
        Assert.True(budget.InUse <= budget.Limit);
        GC.KeepAlive(documents);
    }

    [Fact]
    public void ADocumentNobodyHolds_GivesItsMemoryBack_WhenTheBudgetIsNeeded()
    {
        var budget = new RenderBudget(100L << 20);
        RenderAndDrop(budget); // holds about 71 MB until collected

        var second = TranscriptRender.Render(Amplification, 80, budget).Document;

        Assert.False(second.OverBudget);
        second.Release();
    }

    [Fact]
    public void TheIndexer_DefersATranscriptTheBudgetCannotHold_RatherThanRecordingItCut()
    {
        var flags = new SessionFlagOptions();
        var small = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys], new RenderBudget(8L << 20));
        var ample = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys], new RenderBudget(1L << 30));
        var content = new TranscriptContent("sessionmanager/alice-0123456789abcdef0.log", Amplification, Amplification.Length, "\"e\"", DateTimeOffset.UnixEpoch);

        Assert.Throws<RenderBudgetExceededException>(() => small.Index(content, new Trigrams()));
        var indexed = ample.Index(content, new Trigrams());
        Assert.True(indexed.Summary.Truncated); // the 64 Mi-character cap: deterministic, recorded, not tried again
        Assert.Null(indexed.Summary.Error);
    }

    private static void RenderAndDrop(RenderBudget budget) => Assert.False(TranscriptRender.Render(Amplification, 80, budget).Document.OverBudget);
}

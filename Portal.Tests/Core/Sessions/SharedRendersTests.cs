using System.Runtime.CompilerServices;
using System.Text;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

public sealed class SharedRendersTests
{
    private static readonly SharedRenders.Key Key = new("logs", "sessionmanager/alice-0123456789abcdef0.log", "v1", "\"e\"", null);

    [Fact]
    public async Task ConcurrentReaders_WaitForOneDownload_AndShareItsRender()
    {
        var shared = new SharedRenders();
        var download = new TaskCompletionSource<TranscriptRender?>();
        var calls = 0;

        var readers = Enumerable.Range(0, 5).Select(_ => shared.GetOrRenderAsync(Key, () => { Interlocked.Increment(ref calls); return download.Task; }, CancellationToken.None)).ToList();
        download.SetResult(Render("hello"));
        var renders = await Task.WhenAll(readers);

        Assert.Equal(1, calls);
        Assert.All(renders, r => Assert.Same(renders[0]!.Document, r!.Document));
    }

    [Fact]
    public async Task ADocumentNobodyHolds_IsCollected_AndTheNextReaderRendersAnew()
    {
        var shared = new SharedRenders();

        var dropped = OpenAndDrop(shared);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(dropped.TryGetTarget(out _));
        Assert.Empty(shared.Open());
        var calls = 0;
        var again = await shared.GetOrRenderAsync(Key, () => { calls++; return Task.FromResult<TranscriptRender?>(Render("again")); }, CancellationToken.None);
        Assert.Equal((1, "again"), (calls, again!.Document.RowText(0)));
    }

    [Fact]
    public async Task AFailedDownload_IsNotShared_TheNextReaderTriesAgain()
    {
        var shared = new SharedRenders();

        await Assert.ThrowsAsync<InvalidOperationException>(() => shared.GetOrRenderAsync(Key, () => Task.FromException<TranscriptRender?>(new InvalidOperationException("S3 said no")), CancellationToken.None));
        var render = await shared.GetOrRenderAsync(Key, () => Task.FromResult<TranscriptRender?>(Render("fine")), CancellationToken.None);

        Assert.Equal("fine", render!.Document.RowText(0));
    }

    [Fact]
    public async Task ARenderStoppedAtTheBudget_IsNotShared_SoAReloadCanGetTheWhole()
    {
        var shared = new SharedRenders();
        var tight = new RenderBudget(RenderBudget.Step);
        var flood = Encoding.ASCII.GetBytes("x" + string.Concat(Enumerable.Repeat("\u001b[65535b", 200)));

        var stopped = await shared.GetOrRenderAsync(Key, () => Task.FromResult<TranscriptRender?>(TranscriptRender.Render(flood, 80, tight)), CancellationToken.None);
        var next = await shared.GetOrRenderAsync(Key, () => Task.FromResult<TranscriptRender?>(Render("whole")), CancellationToken.None);

        Assert.True(stopped!.Document.OverBudget);
        Assert.Equal("whole", next!.Document.RowText(0));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<TranscriptDocument> OpenAndDrop(SharedRenders shared)
    {
        // Completes synchronously: the download is already done.
        var render = shared.GetOrRenderAsync(Key, () => Task.FromResult<TranscriptRender?>(Render("gone")), CancellationToken.None).GetAwaiter().GetResult();
        return new WeakReference<TranscriptDocument>(render!.Document);
    }

    private static TranscriptRender Render(string text) => TranscriptRender.Render(Encoding.ASCII.GetBytes(text), 80);
}

using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Running;
using Portal.Core.Sessions.Terminal;

// `render <file.log> <cols> <rows> <repeat> [runs]` times the renderer on one transcript body repeated (the median of
// runs, 3 by default), in the same shape as bench/render-peer/xterm-render.mjs, so bench/render-vs-xterm.sh can
// compare them in one run.
if (args.Length >= 3 && args[0] == "index")
{
    await Portal.Benchmarks.IndexBench.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2], args.Length > 3 ? args[3] : null);
    return;
}

if (args.Length >= 2 && args[0] == "index-confirm")
{
    Portal.Benchmarks.IndexBench.ConfirmCost(args[1]);
    return;
}

if (args.Length >= 2 && args[0] == "index-grams")
{
    Portal.Benchmarks.GramBench.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 12_000);
    return;
}

if (args.Length >= 2 && args[0] == "browser")
{
    // `browser <Portal.Web.dll> [megabytes] [runs]`: see BrowserOpenBench (and bench/transcript-open.sh).
    await Portal.Benchmarks.BrowserOpenBench.RunAsync(
        args[1],
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

if (args.Length >= 3 && args[0] == "search-page")
{
    // `search-page <Portal.Web.dll> <index file> [runs]`: see BrowserSearchBench (and bench/search-page.sh).
    await Portal.Benchmarks.BrowserSearchBench.RunAsync(args[1], args[2], args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

if (args.Length >= 2 && args[0] == "open")
{
    // `open <file.log> [repeat]`: what the transcript page does on the server for a large transcript: read it
    // (from a file here, from S3 in the portal), render it, and make the first screen's rows; then the memory the
    // circuit keeps (the document) and the peak the request needed.
    var source = File.ReadAllBytes(args[1]);
    var times = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
    var path = Path.Combine(Path.GetTempPath(), "open-bench.log");
    await using (var output = File.Create(path))
    {
        for (var i = 0; i < times; i++)
        {
            output.Write(source);
        }
    }

    Portal.Core.Sessions.TranscriptRender.Render(source.AsSpan(0, Math.Min(source.Length, 1 << 20)), null); // JIT warm-up
    GC.Collect();
    var baseline = GC.GetTotalMemory(forceFullCollection: true);
    var clock = Stopwatch.StartNew();
    var content = await File.ReadAllBytesAsync(path);
    var read = clock.Elapsed.TotalSeconds;
    var render = Portal.Core.Sessions.TranscriptRender.Render(content, null);
    var rendered = clock.Elapsed.TotalSeconds;
    var firstScreen = Enumerable.Range(0, Math.Min(60, render.Document.RowCount)).Sum(r => render.Document.RowHtml(r).Length);
    var first = clock.Elapsed.TotalSeconds;
    var peak = GC.GetGCMemoryInfo().HeapSizeBytes;
    content = null;
    var kept = GC.GetTotalMemory(forceFullCollection: true) - baseline;
    GC.KeepAlive(render);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        mb = new FileInfo(path).Length / 1e6,
        rows = render.Document.RowCount,
        lines = render.Document.LineCount,
        readSeconds = read,
        renderSeconds = rendered - read,
        firstScreenSeconds = first,
        firstScreenHtmlChars = firstScreen,
        circuitRetainedMb = kept / 1e6,
        documentEstimateMb = render.Document.ApproximateBytes / 1e6,
        heapAfterRenderMb = peak / 1e6,
    }));
    File.Delete(path);
    return;
}

if (args.Length >= 2 && args[0] == "render")
{
    var content = File.ReadAllBytes(args[1]);
    var columns = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 80;
    var rows = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 24;
    var repeat = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1;
    var file = TranscriptFile.Parse(content);
    var body = content.AsSpan(file.BodyOffset, file.BodyLength).ToArray();
    var input = new byte[body.Length * repeat];
    for (var i = 0; i < repeat; i++)
    {
        body.CopyTo(input, i * body.Length);
    }

    // Warm-up on small slices, as a server that has rendered a few transcripts is warm: enough calls for the
    // tiered JIT to recompile the hot methods with their profile, so the JIT is not what is measured.
    for (var i = 0; i < 60; i++)
    {
        new TerminalEmulator(columns, rows).Write(input.AsSpan(0, Math.Min(input.Length, 64 << 10)));
        Thread.Sleep(i % 20 == 19 ? 200 : 0);
    }

    // Several renders of the whole input (three unless told), each by a fresh terminal, and the median: one render of
    // a few hundred milliseconds on this VM varies by a third from run to run. Memory is the last render's.
    var runs = args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var seconds = new List<double>();
    TerminalEmulator? terminal = null;
    long allocated = 0;
    for (var run = 0; run < runs; run++)
    {
        terminal = null;
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        terminal = new TerminalEmulator(columns, rows);
        terminal.Write(input);
        stopwatch.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        seconds.Add(stopwatch.Elapsed.TotalSeconds);
    }

    var retained = GC.GetTotalMemory(forceFullCollection: true);
    GC.KeepAlive(terminal);
    var median = seconds.Order().ElementAt(seconds.Count / 2);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        peer = "Portal TerminalEmulator",
        bytes = input.Length,
        seconds = median,
        mbPerSecond = input.Length / 1e6 / median,
        runsMbPerSecond = seconds.Select(s => Math.Round(input.Length / 1e6 / s, 1)),
        rows = terminal!.Finish().RowCount,
        allocatedMb = allocated / 1e6,
        retainedMb = retained / 1e6,
        gcs = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}",
        gcPauseMs = GC.GetTotalPauseDuration().TotalMilliseconds,
    }));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point for BenchmarkDotNet's switcher and the render harness.</summary>
public partial class Program;

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;

namespace Portal.Benchmarks;

/// <summary>
/// `index &lt;sessions&gt; &lt;index file&gt;`: indexes that many generated transcripts with the portal's own indexer (its
/// workers, channel and batched writer; transcripts come from the generator instead of S3), then times the queries
/// the pages make. Prints a Markdown table.
/// </summary>
internal static class IndexBench
{
    public static async Task RunAsync(int sessions, string file)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }

        var now = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < sessions; n++)
        {
            keys[CorpusGenerator.Key(n)] = n;
        }

        // The generator's own speed, so its share of the indexing time is known.
        var generation = Stopwatch.StartNew();
        long sample = 0;
        for (var n = 0; n < 2000; n++)
        {
            sample += CorpusGenerator.Session(n, now).Content.Length;
        }

        var generatorMbps = sample / 1e6 / generation.Elapsed.TotalSeconds;

        if (Environment.GetEnvironmentVariable("TRIGRAM_STATS") == "1")
        {
            var frequency = new Dictionary<ulong, int>();
            var sets = new List<ulong[]>();
            var scratchText = new System.Text.StringBuilder();
            var lineBuffer = new char[256];
            for (var n = 0; n < 1000; n++)
            {
                var doc = TranscriptRender.Render(CorpusGenerator.Session(n, now).Content, null).Document;
                var set = new HashSet<ulong>();
                for (var l = 0; l < doc.LineCount; l++)
                {
                    var line = doc.LineText(l, scratchText, ref lineBuffer);
                    for (var i = 2; i < line.Length; i++)
                    {
                        set.Add(((ulong)Trigrams.Fold(line[i - 2]) << 32) | ((ulong)Trigrams.Fold(line[i - 1]) << 16) | Trigrams.Fold(line[i]));
                    }
                }

                sets.Add([.. set]);
                foreach (var t in set)
                {
                    frequency[t] = frequency.GetValueOrDefault(t) + 1;
                }
            }

            var tokens = sets.Sum(x => (long)x.Length);
            Console.WriteLine($"distinct trigrams overall {frequency.Count:N0}; per session {tokens / 1000.0:N0}");
            foreach (var share in new[] { 0.9, 0.5, 0.2, 0.1, 0.05 })
            {
                var common = frequency.Where(f => f.Value > share * 1000).Select(f => f.Key).ToHashSet();
                var kept = sets.Sum(x => (long)x.Count(t => !common.Contains(t)));
                Console.WriteLine($"dropping trigrams in more than {share:P0} of sessions ({common.Count:N0} of them) keeps {100.0 * kept / tokens:F0}% of the tokens");
            }

            return;
        }

        if (Environment.GetEnvironmentVariable("STAGES") == "1")
        {
            var extractor = new CommandExtractor(Options.Create(new SessionFlagOptions()));
            var indexing = new TranscriptIndexing(extractor, [.. new SessionFlagOptions().Flags.Keys]);
            var trigrams = new Trigrams();
            var contents = Enumerable.Range(0, 500).Select(n => CorpusGenerator.Session(n, now)).Select(x => new TranscriptContent(x.Key, x.Content, x.Content.Length, "\"e\"", now)).ToList();
            var bytes = contents.Sum(c => (long)c.Content.Length);
            var sw = Stopwatch.StartNew();
            foreach (var c in contents)
            {
                TranscriptRender.Render(c.Content, null);
            }

            Console.WriteLine($"render only: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s");
            sw.Restart();
            var docs = contents.Select(c => indexing.Index(c, trigrams)).ToList();
            Console.WriteLine($"render+extract+trigrams+pack (one core): {bytes / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s");
            var stageIndex = new SessionIndex(file + ".stage");
            sw.Restart();
            for (var i = 0; i < docs.Count; i += 250)
            {
                await stageIndex.WriteAsync(docs.Skip(i).Take(250).ToList(), CancellationToken.None);
            }

            Console.WriteLine($"write only: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s of transcripts ({docs.Sum(d => (long)d.Trigrams.Length) / 1e6:F1} MB of trigram tokens)");
            var noTrigrams = docs.Select(d => d with { Trigrams = [] }).ToList();
            var stage2 = new SessionIndex(file + ".stage2");
            sw.Restart();
            for (var i = 0; i < noTrigrams.Count; i += 250)
            {
                await stage2.WriteAsync(noTrigrams.Skip(i).Take(250).ToList(), CancellationToken.None);
            }

            Console.WriteLine($"write without line trigrams: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s");
            sw.Restart();
            var ex = contents.Select(c => TranscriptRender.Render(c.Content, null).Document).ToList();
            var t0 = sw.Elapsed.TotalSeconds;
            foreach (var d in ex) extractor.Extract(d);
            var t1 = sw.Elapsed.TotalSeconds;
            var scratch = new System.Text.StringBuilder(); var buf = new char[256];
            foreach (var d in ex) { trigrams.Clear(); for (var l = 0; l < d.LineCount; l++) trigrams.AddLine(d.LineText(l, scratch, ref buf)); trigrams.Values(); }
            var t2 = sw.Elapsed.TotalSeconds;
            foreach (var d in ex) { using var pack = new LinePack(d.LineCount); for (var l = 0; l < d.LineCount; l++) pack.Add(d.LineText(l, scratch, ref buf), d.LineKind(l), d.LineFirstRow(l)); pack.ToArray(); }
            var t3 = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"render {t0:F2}s extract {t1 - t0:F2}s trigrams {t2 - t1:F2}s pack {t3 - t2:F2}s");
            return;
        }

        var index = new SessionIndex(file);
        var flags = new SessionFlagOptions();
        var indexer = new SessionIndexer(
            index,
            new Store(keys),
            new Objects(keys, now),
            new CommandExtractor(Options.Create(flags)),
            new NoHistory(),
            Options.Create(new SessionLogOptions { Bucket = "bench-bucket" }),
            Options.Create(new SessionIndexOptions()),
            Options.Create(flags),
            TimeProvider.System,
            new Lifetime(),
            NullLogger<SessionIndexer>.Instance);

        var clock = Stopwatch.StartNew();
        await indexer.RunPassAsync(CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var progress = indexer.Current;
        var size = new[] { string.Empty, "-wal" }.Sum(s => File.Exists(file + s) ? new FileInfo(file + s).Length : 0);

        Console.WriteLine($"Indexed {progress.Done:N0} sessions, {progress.Bytes / 1e9:F2} GB, in {seconds:F0} s: {progress.Bytes / 1e6 / seconds:F1} MB/s " +
            $"(generator alone: {generatorMbps:F0} MB/s on one core); {progress.Failed} failed; index file {size / 1e9:F2} GB.");
        if (Environment.GetEnvironmentVariable("INDEX_ONLY") == "1")
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| query | first page | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var q in new[] { "rm -rf", "sudo", "passwd", "Accepted publickey", "10.0.1.23", "rf" })
        {
            await TimeAsync($"search `{q}`", async () => (await index.SearchAsync(new SearchRequest { Query = q, Limit = 20 })).Hits.Count);
        }

        await TimeAsync("sessions list, newest first", async () => (await index.QueryAsync(new SessionQuery { Limit = 50 })).Items.Count);
        await TimeAsync("sessions list, by size", async () => (await index.QueryAsync(new SessionQuery { Limit = 50, Sort = SessionSort.Size })).Items.Count);
        await TimeAsync("sessions list, one user", async () => (await index.QueryAsync(new SessionQuery { Limit = 50, User = "user07" })).Items.Count);
        await TimeAsync("sessions list, flag rm -rf", async () => (await index.QueryAsync(new SessionQuery { Limit = 50, Flag = "rm -rf" })).Items.Count);
        await TimeAsync("sessions list, commands contain `tail -n`", async () => (await index.QueryAsync(new SessionQuery { Limit = 50, Text = "tail -n" })).Items.Count);
        await TimeAsync("sessions list, page 1,000", async () => (await index.QueryAsync(new SessionQuery { Limit = 50, Offset = 50_000 })).Items.Count);
        await TimeAsync("dashboard statistics", async () => (await index.StatisticsAsync(now)).PerDay.Count);
    }

    private static async Task TimeAsync(string name, Func<Task<int>> query)
    {
        var count = await query(); // warm
        var times = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} |"));
    }

    private sealed class Store(Dictionary<string, int> keys) : ISessionLogStore
    {
        private readonly List<string> _keys = [.. keys.Keys];

        public string? Bucket => "bench-bucket";

        public Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default)
        {
            var start = continuationToken is null ? 0 : int.Parse(continuationToken, CultureInfo.InvariantCulture);
            var items = _keys.Skip(start).Take(pageSize).Select(k => SessionLogObject.FromKey(k, 0, null, $"\"{k}\"")!).ToList();
            var next = start + pageSize < _keys.Count ? (start + pageSize).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new SessionLogPage(items, next));
        }
    }

    private sealed class Objects(Dictionary<string, int> keys, DateTimeOffset now) : ITranscriptObjects
    {
        public Task<TranscriptContent?> ReadAsync(string key, long maxBytes, CancellationToken cancellationToken = default)
        {
            var session = CorpusGenerator.Session(keys[key], now);
            return Task.FromResult<TranscriptContent?>(new TranscriptContent(key, session.Content, session.Content.Length, $"\"{key}\"", now));
        }
    }

    private sealed class NoHistory : ISessionHistory
    {
        public Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, SessionHistoryEntry>>(new Dictionary<string, SessionHistoryEntry>());
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Terminal;

namespace Portal.Benchmarks;

/// <summary>
/// `index &lt;sessions&gt; &lt;index file&gt;`: indexes that many generated transcripts with the portal's own indexer (its
/// workers, channel and batched writer; transcripts come from the generator instead of S3), then times the queries
/// the pages make. Prints a Markdown table.
/// </summary>
internal static class IndexBench
{
    public static async Task RunAsync(int sessions, string file, string? corpus)
    {
        var now = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        if (Environment.GetEnvironmentVariable("QUERY_ONLY") == "1")
        {
            // Times the queries on an index a run before built, as it stands.
            await QueryAsync(new SessionIndex(file), now);
            return;
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }

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

        if (corpus is not null)
        {
            // Written once and reused: the indexer then reads files, as it reads S3 objects, and the generator's
            // CPU is not part of the indexing time.
            Directory.CreateDirectory(corpus);
            var written = Stopwatch.StartNew();
            for (var n = 0; n < sessions; n++)
            {
                var path = Path.Combine(corpus, n.ToString(CultureInfo.InvariantCulture));
                if (!File.Exists(path))
                {
                    await File.WriteAllBytesAsync(path, CorpusGenerator.Session(n, now).Content);
                }
            }

            Console.WriteLine($"Corpus ready in {corpus} ({written.Elapsed.TotalSeconds:F0} s).");
        }

        var index = new SessionIndex(file);
        var flags = new SessionFlagOptions();
        var indexer = new SessionIndexer(
            index,
            new Store(keys, now),
            new Objects(keys, now, corpus),
            new CommandExtractor(Options.Create(flags)),
            new NoHistory(),
            new FixedLocation(new SessionLogSource("bench-bucket", "sessionmanager/")),
            Options.Create(new SessionIndexOptions()),
            Options.Create(flags),
            TimeProvider.System,
            new Lifetime(),
            NullLogger<SessionIndexer>.Instance,
            new RenderBudget(new SessionLogOptions().RenderBudgetBytes)); // as the portal runs it

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

        await QueryAsync(index, now);
    }

    /// <summary>
    /// `index-confirm &lt;index file&gt;`: what confirming one search candidate costs, step by step, over 2,000 of the
    /// newest sessions of an index a run before built: reading its stored lines by id from SQLite as a search does,
    /// decompressing them, looking in the bytes for a string no session holds, and unpacking (decoding) them; and
    /// what indexing one costs in search terms: its six-character signature alone, its trigrams with it, and its share
    /// of building a segment with and without signatures.
    /// </summary>
    public static void ConfirmCost(string file)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly");
        connection.Open();
        var ids = new List<long>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT session FROM session_text ORDER BY session DESC LIMIT 2000";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT lines FROM session_text WHERE session = $id";
        var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
        var packs = new List<byte[]>();
        var times = new double[4];
        for (var pass = 0; pass < 2; pass++) // the first pass warms the file's pages and the JIT
        {
            packs.Clear();
            var read = Stopwatch.StartNew();
            foreach (var session in ids)
            {
                id.Value = session;
                packs.Add((byte[])command.ExecuteScalar()!);
            }

            times[0] = read.Elapsed.TotalMilliseconds;
            var needle = System.Buffers.SearchValues.Create(["10.0.1.23 nowhere"], StringComparison.OrdinalIgnoreCase);
            var decompress = Stopwatch.StartNew();
            foreach (var pack in packs)
            {
                using var raw = LinePack.Decompress(pack);
            }

            times[1] = decompress.Elapsed.TotalMilliseconds;
            var check = Stopwatch.StartNew();
            foreach (var pack in packs)
            {
                using var raw = LinePack.Decompress(pack);
                _ = raw.MayContain(needle);
            }

            times[2] = check.Elapsed.TotalMilliseconds - times[1];
            var unpack = Stopwatch.StartNew();
            var lines = packs.Select(LinePack.Unpack).ToList();
            times[3] = unpack.Elapsed.TotalMilliseconds - times[1];
            if (pass == 1)
            {
                var signatureClock = Stopwatch.StartNew();
                var signature = new GramSignature();
                foreach (var l in lines)
                {
                    signature.Clear();
                    for (var i = 0; i < l.Count; i++)
                    {
                        signature.AddLine(l.Text(i));
                    }
                }

                var signatureTime = signatureClock.Elapsed.TotalMilliseconds;
                var textsClock = Stopwatch.StartNew();
                var chars = 0L;
                foreach (var l in lines)
                {
                    for (var i = 0; i < l.Count; i++)
                    {
                        chars += l.Text(i).Length;
                    }
                }

                signatureTime -= textsClock.Elapsed.TotalMilliseconds;
                var termsClock = Stopwatch.StartNew();
                var documents = new List<(long, ulong[], ulong[])>();
                var set = new Trigrams();
                foreach (var l in lines)
                {
                    set.Clear();
                    for (var i = 0; i < l.Count; i++)
                    {
                        set.AddLine(l.Text(i));
                    }

                    documents.Add((documents.Count, set.Values(), set.Signature()));
                }

                var termsTime = termsClock.Elapsed.TotalMilliseconds;
                var buildClock = Stopwatch.StartNew();
                foreach (var chunk in documents.Chunk(512))
                {
                    _ = TrigramSegments.Build(chunk);
                }

                var buildTime = buildClock.Elapsed.TotalMilliseconds;
                var trigramsOnly = Stopwatch.StartNew();
                foreach (var chunk in documents.Select(d => (d.Item1, d.Item2, Array.Empty<ulong>())).Chunk(512))
                {
                    _ = TrigramSegments.Build(chunk);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"segment build without signatures {trigramsOnly.Elapsed.TotalMilliseconds * 1000 / packs.Count:F0} µs"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per session: signature alone {signatureTime * 1000 / packs.Count:F0} µs, trigrams and signature {termsTime * 1000 / packs.Count:F0} µs, segment build {buildTime * 1000 / packs.Count:F0} µs"));
                var n = packs.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n} sessions, {packs.Average(p => p.Length) / 1024:F1} KB stored, {lines.Average(l => l.All.Length) / 1024:F1} K chars each; per session: read {times[0] * 1000 / n:F0} µs, decompress {times[1] * 1000 / n:F0} µs, look in the bytes {times[2] * 1000 / n:F0} µs, decode (only when the bytes may hold it) {times[3] * 1000 / n:F0} µs"));
            }
        }
    }

    private static async Task QueryAsync(SessionIndex index, DateTimeOffset now)
    {
        Console.WriteLine();
        Console.WriteLine("| query | first page | complete | sessions read | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|:---:|---:|---:|---:|");

        // An IP address (digits and dots: its trigrams are in every session), the hostname of some prompts, a long
        // path most sessions have (systemctl status), a short one, and two characters (shorter than a trigram).
        foreach (var q in new[] { "rm -rf", "sudo", "passwd", "Accepted publickey", "10.0.1.23", "ip-10-0-1-23", "/usr/lib/systemd/system/", "/var/log", "rf" })
        {
            await TimeAsync($"search `{q}`", async () =>
            {
                var page = await index.SearchAsync(new SearchRequest { Query = q, Limit = 20 });
                return (page.Hits.Count, page.Hits.Count == 20 || page.NextOffset is null, page.Scanned); // complete: full, or all there are
            });
        }

        await TimeAsync("sessions list, newest first", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50 })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, by size", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Sort = SessionSort.Size })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, one user", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, User = "user07" })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, flag rm -rf", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Flag = "rm -rf" })).Items.Count, true, (int?)null));
        // The text filter's first use reads the command catalog into memory (CommandCatalog): timed once, with what it keeps.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var first = Stopwatch.StartNew();
        await index.QueryAsync(new SessionQuery { Limit = 50, Text = "tail -n" });
        var loaded = first.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sessions list, commands contain `tail -n`, first use (reads the command catalog, {(GC.GetTotalMemory(forceFullCollection: true) - before) / 1048576.0:F0} MB kept) | 50 | yes | - | {loaded:F0} | - |"));
        await TimeAsync("sessions list, commands contain `tail -n`", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Text = "tail -n" })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, commands contain `rm -rf`", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Text = "rm -rf" })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, commands contain `tail -n`, one user, by size", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Text = "tail -n", User = "user07", Sort = SessionSort.Size })).Items.Count, true, (int?)null));
        await TimeAsync("sessions list, page 1,000", async () => ((await index.QueryAsync(new SessionQuery { Limit = 50, Offset = 50_000 })).Items.Count, true, (int?)null));
        await TimeAsync("dashboard statistics", async () => ((await index.StatisticsAsync(now)).PerDay.Count, true, (int?)null));
    }

    private static async Task TimeAsync(string name, Func<Task<(int Count, bool Complete, int? Read)>> query)
    {
        var (count, complete, read) = await query(); // warm
        var times = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count} | {(complete ? "yes" : "no")} | {(read is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} |"));
    }

    /// <summary>Lists the keys as S3 would: LastModified is when the agent uploaded the log, at the session's end.</summary>
    private sealed class Store(Dictionary<string, int> keys, DateTimeOffset now) : ISessionLogStore
    {
        private readonly List<string> _keys = [.. keys.Keys];

        public string? Bucket => "bench-bucket";

        public Task<SessionLogPage> ListAsync(string? continuationToken, int pageSize = 100, CancellationToken cancellationToken = default)
        {
            var start = continuationToken is null ? 0 : int.Parse(continuationToken, CultureInfo.InvariantCulture);
            var items = _keys.Skip(start).Take(pageSize).Select(k => SessionLogObject.FromKey(k, 0, CorpusGenerator.Ended(keys[k], now), $"\"{k}\"")!).ToList();
            var next = start + pageSize < _keys.Count ? (start + pageSize).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new SessionLogPage(items, next));
        }
    }

    private sealed class Objects(Dictionary<string, int> keys, DateTimeOffset now, string? corpus) : ITranscriptObjects
    {
        public async Task<TranscriptContent?> ReadAsync(string key, long maxBytes, string? versionId = null, CancellationToken cancellationToken = default)
        {
            var content = corpus is null
                ? CorpusGenerator.Session(keys[key], now).Content
                : await File.ReadAllBytesAsync(Path.Combine(corpus, keys[key].ToString(CultureInfo.InvariantCulture)), cancellationToken);
            return new TranscriptContent(key, content, content.Length, $"\"{key}\"", CorpusGenerator.Ended(keys[key], now));
        }
    }

    private sealed class FixedLocation(SessionLogSource source) : ISessionLogLocation
    {
        public ValueTask<SessionLogSource?> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<SessionLogSource?>(source);

        public void Refresh()
        {
        }
    }

    private sealed class NoHistory : ISessionHistory
    {
        public Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, SessionHistoryEntry>>(new Dictionary<string, SessionHistoryEntry>());

        public Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default) => Task.FromResult<SessionHistoryEntry?>(null);
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

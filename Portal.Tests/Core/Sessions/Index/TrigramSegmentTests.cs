using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Sessions.Index;

/// <summary>
/// The trigram segments: what a segment stores is what it was built from, and searches over one large segment, or
/// over many small ones merged, with objects deleted and replaced between writes, find exactly what a brute-force
/// scan finds, newest first and each session once.
/// </summary>
public sealed class TrigramSegmentTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Queries = ["ssm-user@ip-10-0-1-23", "build-cache-7", "10.0.2.100 db.internal", "ファイル", "sudo", "no such text anywhere"];
    private readonly TempIndexFile _file = new();
    private readonly IReadOnlyList<GeneratedTranscript> _generated = TranscriptGenerator.Generate(300, ["alice", "bob", "carol"], ["i-0aaaaaaaaaaaaaaa1"], Now);
    private readonly TranscriptIndexing _indexing;

    public TrigramSegmentTests()
    {
        var flags = new SessionFlagOptions();
        _indexing = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys]);
    }

    public void Dispose() => _file.Dispose();

    [Fact]
    public void Segment_HoldsEverySessionsTrigramsAndSignature_AsListsAndBitmaps()
    {
        var random = new Random(7);
        var documents = Enumerable.Range(0, 300)
            .Select(d => ((long)(1000 + (d * 3)),
                Enumerable.Range(0, 3000).Where(v => random.Next(1 + (v % 97)) == 0).Select(v => (ulong)v * 7919).ToArray(),
                d % 10 == 0 ? [] : Signature(random)))
            .ToList();

        var segment = TrigramSegments.Build(documents);
        var unpacked = new Dictionary<long, TrigramSegments.Unpacked>();
        TrigramSegments.Unpack(segment.Ids, segment.Blocks, segment.Grams, unpacked);

        Assert.Equal(documents.Select(d => d.Item1), unpacked.Keys.Order());
        Assert.All(documents, d => Assert.Equal(d.Item2.Order(), unpacked[d.Item1].Trigrams.Order()));
        Assert.All(documents, d => Assert.Equal(d.Item3.Length == 0 ? new ulong[GramSignature.Rows / 64] : d.Item3, unpacked[d.Item1].Grams));
        Assert.Equal(1000, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(segment.Ids));
        Assert.Equal(300, segment.Sessions);
        Assert.Equal(1000 + (299 * 3), segment.MaxId);
        // Trigram 0 is in every session (a bitmap), the rarest in a few (lists): a bitmap of 300 sessions is 38 bytes.
        Assert.True(segment.Blocks.Sum(b => b.Postings.Length) < documents.Sum(d => d.Item2.Length), "postings take less than a byte per entry");
        Assert.Equal(segment.Blocks.Count * 8, segment.Fences.Length);
        // Every signature row is a 38-byte bitmap, 63 rows to a block (the last has what is left); the rows of blocks
        // no session hits are not kept.
        Assert.All(segment.Grams.SkipLast(1), g => Assert.Equal(TrigramSegments.GramRowsPerBlock * 38, g.Bits.Length));
        Assert.Equal(GramSignature.Rows % TrigramSegments.GramRowsPerBlock * 38, segment.Grams[^1].Bits.Length);
        Assert.Empty(TrigramSegments.Build([(5, [1UL], [])]).Grams);
    }

    [Fact]
    public void Build_RefusesSessionsOutOfOrder_AndSignaturesOfAnotherSize()
    {
        Assert.Throws<ArgumentException>(() => TrigramSegments.Build([(5, [1UL], []), (5, [2UL], [])]));
        Assert.Throws<ArgumentException>(() => TrigramSegments.Build([(5, [1UL], [1UL])]));
    }

    [Fact]
    public async Task Search_ForAStringWhoseTrigramsAreEverywhere_ReadsOnlySessionsItsWindowsHit()
    {
        // Every session has the trigrams of 172.31.9.77 (in 172.31.9.7x and x.77), one has the address itself.
        var index = new SessionIndex(_file.Path);
        var trigrams = new Trigrams();
        var transcripts = _generated.Take(200).Select((t, i) => t with
        {
            Content = [.. t.Content, .. System.Text.Encoding.UTF8.GetBytes(i == 150 ? "ping 172.31.9.77\r\n" : $"ping 172.31.9.7{i % 7} -c {i}.77\r\n")],
        }).ToList();
        await index.WriteAsync([.. transcripts.Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);

        var page = await index.SearchAsync(new SearchRequest { Query = "172.31.9.77", Limit = 20 });

        Assert.Equal(transcripts[150].SessionId, Assert.Single(page.Hits).Session.SessionId);
        Assert.Null(page.NextOffset);
        Assert.InRange(page.Scanned, 1, 60); // a window it lacks hits a set row now and then: far fewer than 200
        await AssertSearchMatchesScanAsync(index, "172.31.9.77", transcripts);
    }

    [Fact]
    public async Task Search_OverOneLargeSegment_MatchesABruteForceScan()
    {
        var index = new SessionIndex(_file.Path);
        var trigrams = new Trigrams();
        await index.WriteAsync([.. _generated.Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);

        Assert.Equal(1, await SegmentCountAsync());
        foreach (var query in Queries)
        {
            await AssertSearchMatchesScanAsync(index, query, _generated);
        }
    }

    [Fact]
    public async Task Search_OverManySmallWrites_WithDeletesAndReplacements_MatchesABruteForceScan()
    {
        var index = new SessionIndex(_file.Path);
        var trigrams = new Trigrams();
        var at = 0;
        var size = 1;
        while (at < _generated.Count)
        {
            // Writes of 1 to 12 transcripts, as quiet polling makes them: far more than the small segments allowed.
            var batch = _generated.Skip(at).Take(size).ToList();
            await index.WriteAsync([.. batch.Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);
            at += batch.Count;
            size = (size % 12) + 1;
        }

        // Some objects are deleted; others are written again (a changed object), which gives them new ids while
        // the old ids stay in older segments until they are merged.
        var deleted = _generated.Where((_, i) => i % 7 == 0).ToList();
        await index.DeleteAsync([.. deleted.Select(t => Key(t))], CancellationToken.None);
        var replaced = _generated.Where((_, i) => i % 11 == 1).ToList();
        foreach (var chunk in replaced.Chunk(3))
        {
            await index.WriteAsync([.. chunk.Select(t => _indexing.Index(Content(t) with { ETag = "\"changed\"" }, trigrams))], CancellationToken.None);
        }

        Assert.InRange(await SegmentCountAsync(), 1, TrigramSegments.MaxSmall + 1 + (_generated.Count / TrigramSegments.SmallSegment));
        var remaining = _generated.Except(deleted.Except(replaced)).ToList(); // Writing a deleted object again brings it back.
        foreach (var query in Queries)
        {
            await AssertSearchMatchesScanAsync(index, query, remaining);
        }

        // A fresh instance (no cached segment headers) reads the same.
        await AssertSearchMatchesScanAsync(new SessionIndex(_file.Path), "sudo", remaining);
    }

    [Fact]
    public async Task Index_OfAnOlderVersion_IsRebuiltWithItsPageSize()
    {
        await using (var old = new SqliteConnection($"Data Source={_file.Path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE line_trigrams (t); CREATE TABLE stop_trigrams (trigram INTEGER); PRAGMA user_version = 4;";
            await create.ExecuteNonQueryAsync();
        }

        var index = new SessionIndex(_file.Path);
        var trigrams = new Trigrams();
        await index.WriteAsync([.. _generated.Take(20).Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);

        Assert.Equal(20, await index.CountAsync(CancellationToken.None));
        Assert.Equal(16384L, await ScalarAsync("PRAGMA page_size"));
        Assert.Equal((long)SessionIndex.SchemaVersion, await ScalarAsync("PRAGMA user_version"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name IN ('line_trigrams', 'stop_trigrams')"));
        await AssertSearchMatchesScanAsync(index, "sudo", [.. _generated.Take(20)]);
    }

    /// <summary>A signature with a few thousand rows set, as a short transcript's.</summary>
    private static ulong[] Signature(Random random)
    {
        var bits = new ulong[GramSignature.Rows / 64];
        for (var i = 0; i < 3000; i++)
        {
            var row = random.Next(GramSignature.Rows);
            bits[row >> 6] |= 1UL << (row & 63);
        }

        return bits;
    }

    private static async Task AssertSearchMatchesScanAsync(SessionIndex index, string query, IReadOnlyList<GeneratedTranscript> transcripts)
    {
        var expected = transcripts
            .Where(g => Lines(g).Any(l => l.Contains(query, StringComparison.OrdinalIgnoreCase)))
            .Select(g => g.SessionId)
            .Order(StringComparer.Ordinal)
            .ToList();

        var found = new List<SessionSummary>();
        int? offset = 0;
        while (offset is { } next)
        {
            var page = await index.SearchAsync(new SearchRequest { Query = query, Offset = next, Limit = 7 });
            Assert.True(page.UsedIndex);
            found.AddRange(page.Hits.Select(h => h.Session));
            offset = page.NextOffset;
        }

        Assert.Equal(expected, found.Select(s => s.SessionId).Order(StringComparer.Ordinal));
        Assert.Equal(found.OrderByDescending(s => s.EndedAt).Select(s => s.EndedAt), found.Select(s => s.EndedAt));
    }

    private Task<long> SegmentCountAsync() => ScalarAsync("SELECT count(*) FROM trigram_segments");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Key(GeneratedTranscript t) => $"sessionmanager/{t.SessionId}.log";

    private static TranscriptContent Content(GeneratedTranscript t) => new(Key(t), t.Content, t.Content.Length, "\"e\"", Now);

    private static IEnumerable<string> Lines(GeneratedTranscript t) => TranscriptRender.Render(t.Content, null).Document.LineTexts();
}

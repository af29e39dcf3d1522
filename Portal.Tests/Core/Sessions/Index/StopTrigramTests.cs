using Microsoft.Extensions.Options;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Sessions.Index;

/// <summary>A batch large enough to choose stop trigrams: searches still find exactly what a brute-force scan finds.</summary>
public sealed class StopTrigramTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly TempIndexFile _file = new();
    private readonly IReadOnlyList<GeneratedTranscript> _generated = TranscriptGenerator.Generate(300, ["alice", "bob", "carol"], ["i-0aaaaaaaaaaaaaaa1"], Now);
    private SessionIndex _index = default!;

    public async Task InitializeAsync()
    {
        _index = new SessionIndex(_file.Path);
        var flags = new SessionFlagOptions();
        var indexing = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys]);
        var trigrams = new Trigrams();
        await _index.WriteAsync(
            [.. _generated.Select(t => indexing.Index(new TranscriptContent($"sessionmanager/{t.SessionId}.log", t.Content, t.Content.Length, "\"e\"", Now), trigrams))],
            CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Theory]
    [InlineData("ssm-user@ip-10-0-1-23", false)] // in every session: only stop trigrams, so sessions are read instead
    [InlineData("build-cache-7", true)]
    [InlineData("10.0.2.100 db.internal", true)]
    [InlineData("ファイル", true)]
    public async Task Search_AfterStopTrigramsAreChosen_MatchesABruteForceScan(string query, bool usesIndex)
    {
        var expected = _generated
            .Where(g => Lines(g).Any(l => l.Contains(query, StringComparison.OrdinalIgnoreCase)))
            .Select(g => g.SessionId)
            .Order(StringComparer.Ordinal)
            .ToList();

        var found = new List<string>();
        int? offset = 0;
        SearchPage? page = null;
        while (offset is { } at)
        {
            page = await _index.SearchAsync(new SearchRequest { Query = query, Offset = at, Limit = 100 });
            found.AddRange(page.Hits.Select(h => h.Session.SessionId));
            offset = page.NextOffset;
        }

        Assert.Equal(expected, found.Order(StringComparer.Ordinal));
        Assert.Equal(usesIndex, page!.UsedIndex);
    }

    private static IEnumerable<string> Lines(GeneratedTranscript t) => TranscriptRender.Render(t.Content, null).Document.LineTexts();
}

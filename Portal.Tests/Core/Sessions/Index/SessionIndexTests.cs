using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.GeneratedTranscripts;

namespace Portal.Tests.Core.Sessions.Index;

/// <summary>The index against a brute-force reading of the same generated transcripts.</summary>
public sealed class SessionIndexTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Users = ["alice", "bob", "deploy.bot"];
    private static readonly string[] Instances = ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"];

    private readonly TempIndexFile _file = new();
    private readonly SessionIndex _index;
    private readonly TranscriptIndexing _indexing;
    private readonly IReadOnlyList<GeneratedTranscript> _generated = TranscriptGenerator.Generate(60, Users, Instances, Now);

    public SessionIndexTests()
    {
        _index = new SessionIndex(_file.Path);
        var flags = new SessionFlagOptions();
        _indexing = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys]);
    }

    public async Task InitializeAsync()
    {
        var trigrams = new Trigrams();
        await _index.WriteAsync([.. _generated.Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Query_Default_ListsEverySessionNewestFirst()
    {
        var page = await _index.QueryAsync(new SessionQuery { Limit = 25 });

        Assert.Equal(60, page.Total);
        Assert.Equal(25, page.Items.Count);
        Assert.Equal(page.Items.OrderByDescending(s => s.EndedAt).Select(s => s.SessionId), page.Items.Select(s => s.SessionId));
        var first = page.Items[0];
        var source = _generated.Single(g => g.SessionId == first.SessionId);
        Assert.Equal(source.User, first.User);
        Assert.Equal(source.InstanceId, first.InstanceId);
        Assert.Equal(source.EndedAt, first.EndedAt);
        Assert.Null(first.Error);
    }

    [Fact]
    public async Task Query_Filters_MatchABruteForceReading()
    {
        var extractor = new CommandExtractor(Options.Create(new SessionFlagOptions()));
        var commands = _generated.ToDictionary(g => g.SessionId, g => extractor.Extract(Lines(g)));

        var rmrf = await _index.QueryAsync(new SessionQuery { Flag = "rm -rf", Limit = 500 });
        Assert.Equal(
            commands.Where(c => c.Value.Any(x => x.Flags.Contains("rm -rf"))).Select(c => c.Key).Order(StringComparer.Ordinal),
            rmrf.Items.Select(s => s.SessionId).Order(StringComparer.Ordinal));
        Assert.InRange(rmrf.Total, 1, 59);

        var bob = await _index.QueryAsync(new SessionQuery { User = "BOB", InstanceId = Instances[1], Limit = 500 });
        Assert.Equal(_generated.Count(g => g.User == "bob" && g.InstanceId == Instances[1]), bob.Total);

        var vim = await _index.QueryAsync(new SessionQuery { Text = "vim /etc", Limit = 500 });
        Assert.Equal(commands.Count(c => c.Value.Any(x => x.Text.Contains("vim /etc", StringComparison.OrdinalIgnoreCase))), vim.Total);
        Assert.True(vim.Total > 0);

        var shortText = await _index.QueryAsync(new SessionQuery { Text = "df", Limit = 500 });
        Assert.Equal(commands.Count(c => c.Key.Contains("df", StringComparison.OrdinalIgnoreCase) || c.Value.Any(x => x.Text.Contains("df", StringComparison.OrdinalIgnoreCase))), shortText.Total);

        var window = await _index.QueryAsync(new SessionQuery { From = Now.AddDays(-7), To = Now, Limit = 500 });
        Assert.Equal(_generated.Count(g => g.EndedAt >= Now.AddDays(-7) && g.EndedAt < Now), window.Total);

        var bySize = await _index.QueryAsync(new SessionQuery { Sort = SessionSort.Size, Descending = false, Limit = 500 });
        Assert.Equal(bySize.Items.Select(s => s.Size).Order(), bySize.Items.Select(s => s.Size));
    }

    [Theory]
    [InlineData("rm -rf")]
    [InlineData("SUDO")]
    [InlineData("/etc/hosts")]
    [InlineData("ファイル")]
    [InlineData("rf")]
    [InlineData("q")]
    public async Task Search_FindsExactlyTheLinesABruteForceScanFinds(string query)
    {
        var expected = _generated
            .Select(g => (g.SessionId, Count: Lines(g).Count(l => l.Text.Contains(query, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.Count > 0)
            .ToDictionary(x => x.SessionId, x => x.Count);

        var found = new Dictionary<string, int>();
        int? offset = 0;
        SearchPage? page = null;
        while (offset is { } at)
        {
            page = await _index.SearchAsync(new SearchRequest { Query = query, Offset = at, Limit = 7 });
            foreach (var hit in page.Hits)
            {
                found.Add(hit.Session.SessionId, hit.LineCount);
                var lines = Lines(_generated.Single(g => g.SessionId == hit.Session.SessionId));
                foreach (var line in hit.Lines)
                {
                    Assert.Equal(lines[line.Line].Text, line.Text);
                    Assert.Equal(lines[line.Line].FirstRow, line.Row);
                    Assert.Equal(query, line.Text.Substring(line.MatchStart, line.MatchLength), StringComparer.OrdinalIgnoreCase);
                }
            }

            offset = page.NextOffset;
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), found.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(query.Length >= Trigrams.MinQueryLength, page!.UsedIndex);
    }

    [Fact]
    public async Task Search_AllTrigramsPresentButNotTogether_IsNotAHit()
    {
        // Every trigram of "qwzxj" is in the transcript (qwz, wzx on one line; zxj on the next), the string is not.
        // Five characters: too short for the six-character signature, so only the lines can rule it out.
        var split = Content(_generated[1]) with { Content = Encoding.UTF8.GetBytes("$ echo qwzx\r\nzxjk\r\n") };
        await _index.WriteAsync([_indexing.Index(split, new Trigrams())], CancellationToken.None);

        var page = await _index.SearchAsync(new SearchRequest { Query = "qwzxj", Limit = 100 });
        var longer = await _index.SearchAsync(new SearchRequest { Query = "qwzxjk", Limit = 100 });

        Assert.Empty(page.Hits);
        Assert.True(page.UsedIndex);
        Assert.Equal(1, page.Scanned); // The index offered the one candidate; checking its lines ruled it out.
        Assert.Empty(longer.Hits);
        Assert.Equal(0, longer.Scanned); // Its window qwzxjk is in no line: the signature rules it out unread.
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    public async Task Search_BadQuery_IsRefusedWithAReason(string query)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _index.SearchAsync(new SearchRequest { Query = query }));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public async Task Search_TooLong_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _index.SearchAsync(new SearchRequest { Query = new string('x', SearchRequest.MaxQueryLength + 1) }));

    [Fact]
    public async Task Get_ReturnsTheCommandsWithTheirLines()
    {
        var session = _generated[3];

        var detail = await _index.GetAsync(session.SessionId);

        Assert.NotNull(detail);
        var extractor = new CommandExtractor(Options.Create(new SessionFlagOptions()));
        Assert.Equal(extractor.Extract(Lines(session)).Select(c => (c.Line, c.Row, c.Text)), detail.Commands.Select(c => (c.Line, c.Row, c.Text)));
        Assert.Equal(detail.Commands.Count, detail.Session.CommandCount);
        Assert.Null(await _index.GetAsync("nobody-0123456789abcdef0"));
    }

    [Fact]
    public async Task Statistics_CountPerDayAndTopUsers()
    {
        var stats = await _index.StatisticsAsync(Now);

        Assert.Equal(30, stats.PerDay.Count);
        Assert.Equal(DateOnly.FromDateTime(Now.UtcDateTime), stats.PerDay[^1].Day);
        Assert.Equal(_generated.Count(g => DateOnly.FromDateTime(g.EndedAt.UtcDateTime) >= stats.PerDay[0].Day), stats.PerDay.Sum(d => d.Sessions));
        var topUser = _generated.GroupBy(g => g.User).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        Assert.Equal((topUser.Key, topUser.Count()), stats.TopUsers[0]);
        Assert.All(stats.LatestFlagged, s => Assert.NotEmpty(s.Flags));
        Assert.Equal(60, stats.Total);
    }

    [Fact]
    public async Task Write_SameKeyAgain_ReplacesIt_AndDeleteForgetsIt()
    {
        var session = _generated[0];
        var changed = Content(session) with { Content = Encoding.UTF8.GetBytes("$ echo replaced-xyzzy\r\nreplaced-xyzzy\r\n"), ETag = "\"new\"" };
        await _index.WriteAsync([_indexing.Index(changed, new Trigrams())], CancellationToken.None);

        Assert.Equal(60, (await _index.QueryAsync(new SessionQuery())).Total);
        var hit = Assert.Single((await _index.SearchAsync(new SearchRequest { Query = "xyzzy" })).Hits);
        Assert.Equal(2, hit.LineCount);
        Assert.Equal("\"new\"", (await _index.KnownObjectsAsync(CancellationToken.None))[changed.Key].ETag);

        await _index.DeleteAsync([changed.Key], CancellationToken.None);

        Assert.Equal(59, (await _index.QueryAsync(new SessionQuery())).Total);
        Assert.Empty((await _index.SearchAsync(new SearchRequest { Query = "xyzzy" })).Hits);
    }

    [Fact]
    public async Task Schema_OfAnotherVersion_IsRebuiltEmpty()
    {
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_file.Path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999";
            command.ExecuteNonQuery();
        }

        var reopened = new SessionIndex(_file.Path);

        Assert.Equal(0, (await reopened.QueryAsync(new SessionQuery())).Total);
    }
}

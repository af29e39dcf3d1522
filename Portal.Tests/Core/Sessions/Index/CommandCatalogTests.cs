using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.GeneratedTranscripts;

namespace Portal.Tests.Core.Sessions.Index;

/// <summary>
/// The sessions list's text filter: the catalog finds what a brute-force reading finds, both ways of applying it
/// (ids handed to SQL, rows counted off in order) give the same pages, and it follows writes, deletes and rebuilds.
/// </summary>
public sealed class CommandCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Users = ["alice", "bob", "deploy.bot"];
    private static readonly string[] Instances = ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"];
    private readonly TempIndexFile _file = new();
    private readonly TranscriptIndexing _indexing;
    private readonly IReadOnlyList<GeneratedTranscript> _generated = TranscriptGenerator.Generate(80, Users, Instances, Now);

    public CommandCatalogTests()
    {
        var flags = new SessionFlagOptions();
        _indexing = new TranscriptIndexing(new CommandExtractor(Options.Create(flags)), [.. flags.Flags.Keys]);
    }

    public void Dispose() => _file.Dispose();

    [Fact]
    public void Find_IgnoresCase_CountsASessionOnce_AndForgetsWhatIsRemoved()
    {
        var catalog = new CommandCatalog();
        catalog.Add(10, ["alice-0a1", "alice", "sudo tail -n 20 /var/log/secure", "tail -n 5 app.log"]);
        catalog.Add(20, ["bob-0b2", "bob", "ls -la", "vim /etc/ホスト"]);
        catalog.Add(30, ["carol-0c3", "carol", "TAIL -N 1 x"]);

        Assert.Equal([10, 30], catalog.Find("tail -n"));
        Assert.Equal([20], catalog.Find("/ETC/ホスト"));
        Assert.Equal([10], catalog.Find("alice"));
        Assert.Empty(catalog.Find("nowhere"));

        catalog.Remove(30);
        Assert.Equal([10], catalog.Find("tail -n"));
        catalog.Add(10, ["alice-0a1", "alice", "sudo tail -n 20 /var/log/secure"]); // again, as a write racing the first read
        Assert.Equal([10], catalog.Find("tail -n"));
        catalog.Remove(10);
        catalog.Add(10, ["alice-0a1", "alice", "uptime"]); // an id reused: what it was found by before is gone
        Assert.Empty(catalog.Find("tail -n"));
        Assert.Equal([10], catalog.Find("UPTIME"));
        catalog.Add(30, ["carol-0c3", "carol", "tail -n 2 y"]); // back after a removal
        Assert.Equal([30], catalog.Find("tail -n"));
    }

    [Theory]
    [InlineData("vim /etc", null, SessionSort.Ended, true, 0)]
    [InlineData("sudo", null, SessionSort.Size, false, 5)]
    [InlineData("ls", "bob", SessionSort.Commands, true, 2)]
    [InlineData("alice", null, SessionSort.User, false, 0)]
    [InlineData("e", null, SessionSort.Ended, true, 30)]
    public async Task Pages_AreTheSame_WhetherTheMatchesGoToSqlOrAreCountedOffInOrder(string text, string? user, SessionSort sort, bool descending, int offset)
    {
        await WriteAsync(new SessionIndex(_file.Path), _generated);
        var inline = new SessionIndex(_file.Path) { InlineIds = int.MaxValue };
        var counted = new SessionIndex(_file.Path) { InlineIds = 0 };
        var query = new SessionQuery { Text = text, User = user, Sort = sort, Descending = descending, Offset = offset, Limit = 10 };

        var a = await inline.QueryAsync(query);
        var b = await counted.QueryAsync(query);

        Assert.Equal(a.Total, b.Total);
        Assert.Equal(a.Items.Select(s => s.SessionId), b.Items.Select(s => s.SessionId));
        var extractor = new CommandExtractor(Options.Create(new SessionFlagOptions()));
        var expected = _generated.Count(g => (user is null || g.User == user) &&
            (g.SessionId.Contains(text, StringComparison.OrdinalIgnoreCase) || g.User.Contains(text, StringComparison.OrdinalIgnoreCase) || g.InstanceId.Contains(text, StringComparison.OrdinalIgnoreCase) ||
             extractor.Extract(Lines(g)).Any(c => c.Text.Contains(text, StringComparison.OrdinalIgnoreCase))));
        Assert.Equal(expected, b.Total);
        Assert.True(b.Total > 0);
    }

    [Fact]
    public async Task Filter_FollowsWritesDeletesAndRebuilds_OnceItsCatalogIsRead()
    {
        var index = new SessionIndex(_file.Path) { InlineIds = 0 };
        await WriteAsync(index, _generated.Take(40));
        Assert.Equal(0, (await index.QueryAsync(new SessionQuery { Text = "zebra-marker" })).Total); // reads the catalog

        var body = Encoding.UTF8.GetString(_generated[50].Content);
        var footer = body.LastIndexOf("Script done", StringComparison.Ordinal);
        var marked = _generated[50] with { Content = Encoding.UTF8.GetBytes(body[..footer] + "[ssm-user@ip-10-0-1-23 ~]$ echo zebra-marker\r\nzebra-marker\r\n" + body[footer..]) };
        await WriteAsync(index, [marked]);
        var found = await index.QueryAsync(new SessionQuery { Text = "ZEBRA-MARKER" });
        Assert.Equal(marked.SessionId, Assert.Single(found.Items).SessionId);

        // Replaced by a version without the command, then deleted: gone from the filter both times.
        await index.WriteAsync([_indexing.Index(Content(_generated[50]) with { ETag = "\"changed\"" }, new Trigrams())], CancellationToken.None);
        Assert.Equal(0, (await index.QueryAsync(new SessionQuery { Text = "zebra-marker" })).Total);
        Assert.Equal(1, (await index.QueryAsync(new SessionQuery { Text = _generated[50].SessionId })).Total);
        await index.DeleteAsync([Content(_generated[50]).Key], CancellationToken.None);
        Assert.Equal(0, (await index.QueryAsync(new SessionQuery { Text = _generated[50].SessionId })).Total);

        await index.ClearAsync("elsewhere", CancellationToken.None);
        Assert.Equal(0, (await index.QueryAsync(new SessionQuery { Text = "alice" })).Total);
        await WriteAsync(index, _generated.Take(3));
        Assert.Equal(_generated.Take(3).Count(g => g.User == "alice"), (await index.QueryAsync(new SessionQuery { Text = "alice" })).Total);
    }

    private async Task WriteAsync(SessionIndex index, IEnumerable<GeneratedTranscript> transcripts)
    {
        var trigrams = new Trigrams();
        await index.WriteAsync([.. transcripts.Select(t => _indexing.Index(Content(t), trigrams))], CancellationToken.None);
    }
}

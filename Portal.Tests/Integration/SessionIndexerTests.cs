using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The indexer following a bucket in moto: new, changed, removed and hostile objects.</summary>
[Collection(MotoGroup.Name)]
public sealed class SessionIndexerTests(MotoServerFixture moto) : IAsyncLifetime
{
    private readonly string _bucket = $"idx-{Guid.NewGuid():N}"[..20];
    private readonly TempIndexFile _indexFile = new();
    private ServiceProvider _services = default!;

    private IAmazonS3 S3 => _services.GetRequiredService<IAmazonS3>();

    private SessionIndexer Indexer => _services.GetRequiredService<SessionIndexer>();

    private SessionIndex Index => _services.GetRequiredService<SessionIndex>();

    public async Task InitializeAsync()
    {
        _services = AwsClients.For(moto, services =>
        {
            services.AddOptions<SessionLogOptions>().Configure(o => o.Bucket = _bucket);
            services.AddOptions<SessionIndexOptions>().Configure(o => o.MaxTranscriptBytes = 64 * 1024);
            services.AddOptions<SessionFlagOptions>();
            services.AddSingleton<ISetupStore, InMemorySetupStore>();
            services.AddSingleton<ISessionLogLocation, SessionLogLocation>();
            services.AddSingleton<ISessionLogStore, S3SessionLogStore>();
            services.AddSingleton<ITranscriptObjects, S3SessionTranscripts>();
            services.AddSingleton<ICommandExtractor, CommandExtractor>();
            services.AddSingleton<ISessionHistory, SsmSessionHistory>();
            services.AddSingleton(new SessionIndex(_indexFile.Path));
            services.AddSingleton<SessionIndexer>();
        });
        await S3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = _bucket,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _indexFile.Dispose();
    }

    [Fact]
    public async Task Pass_IndexesEveryLogObject_AndHostileOnesDoNotStopTheOthers()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "Script started on 2026-11-27 06:30:04+00:00 [COMMAND=\"cat /var/lib/amazon/ssm/i-0123456789abcdef0/session/orchestration/alice-0123456789abcdef0/Standard_Stream/ipcTempFile.log\" <not executed on terminal>]\n$ sudo rm -rf /srv/old\r\r\n$ exit\r\r\nexit\r\r\n\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");
        await PutAsync("sessionmanager/empty-0123456789abcdef0.log", string.Empty);
        await PutAsync("sessionmanager/binary-0123456789abcdef0.log", Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7919 % 256)).ToArray());
        await PutAsync("sessionmanager/escapes-0123456789abcdef0.log", "\u001b[" + string.Concat(Enumerable.Repeat("9;", 20_000)) + "m\u001b]0;" + new string('x', 10_000) + "\u0007$ after\r\n");
        await PutAsync("sessionmanager/notes.txt", "not a transcript");
        await PutAsync("elsewhere/bob-0123456789abcdef0.log", "outside the prefix");

        await Indexer.RunPassAsync(CancellationToken.None);

        Assert.Equal(SessionIndexState.Idle, Indexer.Current.State);
        var page = await Index.QueryAsync(new SessionQuery { Limit = 100 });
        Assert.Equal(["alice", "binary", "empty", "escapes"], page.Items.Select(s => s.User).Order(StringComparer.Ordinal));
        var alice = page.Items.Single(s => s.User == "alice");
        Assert.Equal("i-0123456789abcdef0", alice.InstanceId);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 31, 0, TimeSpan.Zero), alice.EndedAt);
        Assert.Equal(["sudo", "rm -rf"], alice.Flags);
        Assert.Equal(2, alice.CommandCount);
        Assert.True(page.Items.Single(s => s.User == "binary").Truncated);
        Assert.All(page.Items, s => Assert.Null(s.Error));
        Assert.Single((await Index.SearchAsync(new SearchRequest { Query = "rm -rf /srv" })).Hits);
        Assert.Single((await Index.SearchAsync(new SearchRequest { Query = "$ after" })).Hits);
    }

    [Fact]
    public async Task Pass_PicksUpChangedAndForgetsRemovedObjects()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ echo first-version\r\n");
        await PutAsync("sessionmanager/bob-0123456789abcdef0.log", "$ echo bob\r\n");
        await Indexer.RunPassAsync(CancellationToken.None);

        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ echo second-version\r\n");
        await S3.DeleteObjectAsync(_bucket, "sessionmanager/bob-0123456789abcdef0.log");
        await Indexer.RunPassAsync(CancellationToken.None);

        var page = await Index.QueryAsync(new SessionQuery());
        Assert.Equal("alice", Assert.Single(page.Items).User);
        Assert.Empty((await Index.SearchAsync(new SearchRequest { Query = "first-version" })).Hits);
        Assert.Single((await Index.SearchAsync(new SearchRequest { Query = "second-version" })).Hits);
        Assert.Equal(1, Indexer.Current.Done);
    }

    [Fact]
    public async Task Pass_OnAVersionedBucket_IndexesTheFirstVersion_AndMarksOverwrittenOrDeletedOnesModified()
    {
        const string Footer = "\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n";
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = _bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ sudo rm -rf /srv/evidence\r\r\n" + Footer);
        await PutAsync("sessionmanager/bob-0123456789abcdef0.log", "$ echo bob\r\r\n" + Footer);
        await PutAsync("sessionmanager/carol-0123456789abcdef0.log", "$ echo carol, cut short\r\r\n");
        await PutAsync("sessionmanager/dave-0123456789abcdef0.log", "$ echo dave\r\r\n" + Footer);
        await Indexer.RunPassAsync(CancellationToken.None);

        // A grantee with the bastion role's credentials rewrites alice's transcript, and deletes dave's.
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\r\n" + Footer);
        await S3.DeleteObjectAsync(_bucket, "sessionmanager/dave-0123456789abcdef0.log");
        await Indexer.RunPassAsync(CancellationToken.None);

        var all = (await Index.QueryAsync(new SessionQuery())).Items.ToDictionary(s => s.User);
        Assert.Equal((TranscriptIntegrity.Modified, 2), (all["alice"].Integrity, all["alice"].Versions));
        Assert.Equal((TranscriptIntegrity.Intact, 1), (all["bob"].Integrity, all["bob"].Versions));
        Assert.Equal(TranscriptIntegrity.Truncated, all["carol"].Integrity);
        Assert.Equal((TranscriptIntegrity.Modified, 2), (all["dave"].Integrity, all["dave"].Versions)); // deleted, still on record
        Assert.Equal(["rm -rf", "sudo"], all["alice"].Flags.Order(StringComparer.Ordinal)); // what alice typed, not what replaced it
        Assert.Single((await Index.SearchAsync(new SearchRequest { Query = "/srv/evidence" })).Hits);
        Assert.Empty((await Index.SearchAsync(new SearchRequest { Query = "$ ls" })).Hits);
        var modified = await Index.QueryAsync(new SessionQuery { Integrity = TranscriptIntegrity.Modified });
        Assert.Equal(["alice", "dave"], modified.Items.Select(s => s.User).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pass_OnAMissingBucket_FailsWithTheAwsErrorAndKeepsTheIndex()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\n");
        await Indexer.RunPassAsync(CancellationToken.None);
        await S3.DeleteObjectAsync(_bucket, "sessionmanager/alice-0123456789abcdef0.log");
        await S3.DeleteBucketAsync(_bucket);

        await Indexer.RunPassAsync(CancellationToken.None);

        Assert.Equal(SessionIndexState.Failed, Indexer.Current.State);
        Assert.Contains("NoSuchBucket", Indexer.Current.LastError, StringComparison.Ordinal);
        Assert.Equal(1, (await Index.QueryAsync(new SessionQuery())).Total);
    }

    [Fact]
    public async Task Pass_ObjectS3WillNotHandOver_IsListedWithTheErrorCode()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\n");
        await PutAsync("sessionmanager/denied-0123456789abcdef0.log", "$ cat secret\r\n");
        var indexer = ActivatorUtilities.CreateInstance<SessionIndexer>(_services, new Refusing(_services.GetRequiredService<ITranscriptObjects>()));

        await indexer.RunPassAsync(CancellationToken.None);

        var page = await Index.QueryAsync(new SessionQuery());
        Assert.Equal(2, page.Total);
        Assert.StartsWith("S3 answered AccessDenied", page.Items.Single(s => s.User == "denied").Error, StringComparison.Ordinal);
        Assert.Null(page.Items.Single(s => s.User == "alice").Error);
        Assert.Equal(1, indexer.Current.Failed);
    }

    [Fact]
    public async Task Pass_WithSessionManagerHistory_TakesOwnerInstanceAndTimesFromIt()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\n");
        await PutAsync("sessionmanager/bob-0123456789abcdef0.log", "$ ls\r\n");
        var started = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var history = new History(new SessionHistoryEntry("alice-0123456789abcdef0", "arn:aws:iam::123456789012:user/alice", "i-0fedcba9876543210", started, started.AddMinutes(42)));
        var indexer = ActivatorUtilities.CreateInstance<SessionIndexer>(_services, (ISessionHistory)history);

        await indexer.RunPassAsync(CancellationToken.None);

        var alice = (await Index.GetAsync("alice-0123456789abcdef0"))!.Session;
        Assert.Equal("arn:aws:iam::123456789012:user/alice", alice.Owner);
        Assert.Equal("i-0fedcba9876543210", alice.InstanceId);
        Assert.Equal(TimeSpan.FromMinutes(42), alice.Duration);
        var bob = (await Index.GetAsync("bob-0123456789abcdef0"))!.Session;
        Assert.Null(bob.Owner);
        Assert.Null(bob.Duration);
    }

    [Fact]
    public async Task Pass_MarksATranscriptFirstWrittenLongAfterItsSessionEnded_Modified()
    {
        const string Footer = "\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n";
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\n" + Footer);
        await PutAsync("sessionmanager/bob-0123456789abcdef0.log", "$ ls\r\n" + Footer);
        var now = DateTimeOffset.UtcNow;
        var history = new History(
            new SessionHistoryEntry("alice-0123456789abcdef0", "arn:aws:iam::123456789012:user/alice", "i-0fedcba9876543210", now.AddHours(-4), now.AddHours(-3)),
            new SessionHistoryEntry("bob-0123456789abcdef0", "arn:aws:iam::123456789012:user/bob", "i-0fedcba9876543210", now.AddMinutes(-30), now.AddMinutes(-2)));
        var indexer = ActivatorUtilities.CreateInstance<SessionIndexer>(_services, (ISessionHistory)history);

        await indexer.RunPassAsync(CancellationToken.None);

        Assert.Equal(TranscriptIntegrity.Modified, (await Index.GetAsync("alice-0123456789abcdef0"))!.Session.Integrity); // written 3 hours after the end
        Assert.Equal(TranscriptIntegrity.Intact, (await Index.GetAsync("bob-0123456789abcdef0"))!.Session.Integrity);
    }

    [Fact]
    public async Task Pass_AgainstMoto_WhichLacksDescribeSessions_StillIndexes()
    {
        await PutAsync("sessionmanager/alice-0123456789abcdef0.log", "$ ls\r\n");

        await Indexer.RunPassAsync(CancellationToken.None);

        Assert.Equal(SessionIndexState.Idle, Indexer.Current.State);
        Assert.Null((await Index.GetAsync("alice-0123456789abcdef0"))!.Session.Owner);
    }

    private sealed class History(params SessionHistoryEntry[] entries) : ISessionHistory
    {
        public Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, SessionHistoryEntry>>(entries.ToDictionary(e => e.SessionId));

        public Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default) =>
            Task.FromResult(entries.FirstOrDefault(e => e.SessionId == sessionId));
    }

    /// <summary>S3 refusing one object, as a bucket policy or a KMS key policy can.</summary>
    private sealed class Refusing(ITranscriptObjects inner) : ITranscriptObjects
    {
        public Task<TranscriptContent?> ReadAsync(string key, long maxBytes, string? versionId = null, CancellationToken cancellationToken = default) =>
            key.Contains("denied", StringComparison.Ordinal)
                ? throw new Portal.Core.Aws.AwsApiException("s3", "GetObject", "AccessDenied", "Access Denied", System.Net.HttpStatusCode.Forbidden)
                : inner.ReadAsync(key, maxBytes, versionId, cancellationToken);
    }

    private Task PutAsync(string key, string content) => PutAsync(key, Encoding.UTF8.GetBytes(content));

    private async Task PutAsync(string key, byte[] content)
    {
        using var stream = new MemoryStream(content);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = stream });
    }
}

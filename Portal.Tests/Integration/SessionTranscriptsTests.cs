using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Sessions;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Reading and rendering transcripts from a bucket in moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class SessionTranscriptsTests(MotoServerFixture moto) : IAsyncLifetime
{
    private readonly string _bucket = $"logs-{Guid.NewGuid():N}"[..20];
    private ServiceProvider _services = default!;

    public async Task InitializeAsync()
    {
        _services = AwsClients.For(moto, services =>
        {
            services.AddOptions<SessionLogOptions>().Configure(o =>
            {
                o.Bucket = _bucket;
                o.MaxRenderBytes = 2048;
            });
            services.AddSingleton<Portal.Core.Setup.ISetupStore, InMemorySetupStore>();
            services.AddSingleton<ISessionLogLocation, SessionLogLocation>();
            services.AddSingleton<ISessionTranscripts, S3SessionTranscripts>();
        });
        await _services.GetRequiredService<IAmazonS3>().PutBucketAsync(new PutBucketRequest
        {
            BucketName = _bucket,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
        await PutAsync("alice-0123456789abcdef0", "Script started on 2026-11-27 06:30:04+00:00 [COMMAND=\"cat x\" <not executed on terminal>]\n\u001b]0;ssm-user@bastion:~\u0007$ \u001b[1;31msudo\u001b[0m ls\r\r\nfile\r\r\n\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");
        await PutAsync("bob-0123456789abcdef0", "Script started on x\n" + string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i}\r\r\n")));
        await PutAsync("vim-0123456789abcdef0", "\u001b[1;132Hx");
    }

    [Fact]
    public async Task RenderAsync_RendersRowsLinesAndMetadata()
    {
        var transcript = await Transcripts.RenderAsync("alice-0123456789abcdef0");

        Assert.NotNull(transcript);
        Assert.Equal("sessionmanager/alice-0123456789abcdef0.log", transcript.Key);
        Assert.Equal("ssm-user@bastion:~", transcript.Title);
        Assert.StartsWith("Script done on", transcript.Footer, StringComparison.Ordinal);
        Assert.Equal("$ sudo ls", transcript.Document.LineText(0));
        Assert.Equal("$ <span style=\"color:#ff0000;font-weight:bold;\">sudo</span> ls", transcript.Document.RowHtml(0));
        Assert.False(transcript.Truncated);
        Assert.Equal(80, transcript.Columns);
        Assert.Equal(["$ sudo ls", "file"], transcript.Document.LineTexts());
        Assert.Equal(2, transcript.Document.RowCount);
    }

    [Fact]
    public async Task RenderAsync_OfATranscriptFirstWrittenHoursAfterItsSessionEnded_IsModified()
    {
        var ended = DateTimeOffset.UtcNow.AddHours(-5);
        var history = new OneSession(new SessionHistoryEntry("alice-0123456789abcdef0", "arn:aws:iam::123456789012:user/alice", "i-0123456789abcdef0", ended.AddMinutes(-10), ended));
        var transcripts = ActivatorUtilities.CreateInstance<S3SessionTranscripts>(_services, (ISessionHistory)history);

        var late = await transcripts.RenderAsync("alice-0123456789abcdef0");
        var unknown = await transcripts.RenderAsync("bob-0123456789abcdef0");

        Assert.Equal((TranscriptIntegrity.Modified, true, ended), (late!.Integrity, late.WrittenLate, late.SessionEndedAt!.Value));
        Assert.Single(late.Versions!);
        Assert.Equal((TranscriptIntegrity.Truncated, false), (unknown!.Integrity, unknown.WrittenLate)); // no footer, and no word from Session Manager
    }

    [Fact]
    public async Task RenderAsync_OfAnOverwrittenTranscript_ShowsTheFirstVersion_AndAnyOtherByItsId()
    {
        var s3 = _services.GetRequiredService<IAmazonS3>();
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = _bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await PutAsync("erin-0123456789abcdef0", "$ cat /etc/shadow\r\r\n\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");
        await PutAsync("erin-0123456789abcdef0", "$ uptime\r\r\n\nScript done on 2026-11-27 06:31:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");

        var first = await Transcripts.RenderAsync("erin-0123456789abcdef0");
        var versions = await Transcripts.VersionsAsync("erin-0123456789abcdef0");
        var later = await Transcripts.RenderAsync("erin-0123456789abcdef0", versionId: versions[1].VersionId);
        var raw = await Transcripts.OpenRawAsync("erin-0123456789abcdef0");
        using var reader = new StreamReader(raw!.Value.Content);

        Assert.Equal(2, versions.Count);
        Assert.Equal(["$ cat /etc/shadow"], first!.Document.LineTexts());
        Assert.Equal((TranscriptIntegrity.Modified, versions[0].VersionId, true), (first.Integrity, first.VersionId, first.IsFirstVersion));
        Assert.Equal(["$ uptime"], later!.Document.LineTexts());
        Assert.False(later.IsFirstVersion);
        Assert.StartsWith("$ cat /etc/shadow", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        Assert.Null(await Transcripts.RenderAsync("erin-0123456789abcdef0", versionId: "no-such-version"));
        await Assert.ThrowsAsync<ArgumentException>(() => Transcripts.RenderAsync("erin-0123456789abcdef0", versionId: "v1\nX-Injected: yes"));
    }

    [Fact]
    public async Task RenderAsync_LargerThanTheLimit_RendersTheBeginningAndSaysSo()
    {
        var transcript = await Transcripts.RenderAsync("bob-0123456789abcdef0");

        Assert.True(transcript!.Truncated);
        Assert.True(transcript.Size > 2048);
        Assert.Equal("line 0", transcript.Document.LineText(0));
        Assert.DoesNotContain("line 399", transcript.Document.LineTexts());
    }

    [Fact]
    public async Task RenderAsync_WidthFromCursorAddressing_OrAsAsked()
    {
        Assert.Equal(132, (await Transcripts.RenderAsync("vim-0123456789abcdef0"))!.Columns);
        Assert.Equal(100, (await Transcripts.RenderAsync("vim-0123456789abcdef0", 100))!.Columns);
    }

    [Fact]
    public async Task RenderAsync_MissingInvalidOrBadWidth_AreClear()
    {
        Assert.Null(await Transcripts.RenderAsync("carol-0123456789abcdef0"));
        Assert.Null(await Transcripts.OpenRawAsync("carol-0123456789abcdef0"));
        await Assert.ThrowsAsync<ArgumentException>(() => Transcripts.RenderAsync("../../etc/passwd"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Transcripts.RenderAsync("alice-0123456789abcdef0", 5));
    }

    [Fact]
    public async Task OpenRawAsync_StreamsTheObjectAsStored()
    {
        var raw = await Transcripts.OpenRawAsync("alice-0123456789abcdef0");

        using var reader = new StreamReader(raw!.Value.Content);
        Assert.StartsWith("Script started on", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readers_OfTheSameVersionAtTheSameWidth_ShareOneRender()
    {
        var opened = await Transcripts.OpenAsync("bob-0123456789abcdef0");
        var exported = await Transcripts.RenderAsync("bob-0123456789abcdef0");
        var wider = await Transcripts.OpenAsync("bob-0123456789abcdef0", columns: 120);

        Assert.Same(opened!.Document, exported!.Document);
        Assert.NotSame(opened.Document, wider!.Document);
        Assert.Equal(120, wider.Columns);
        Assert.True(exported.Document.IsComplete);
    }

    private ISessionTranscripts Transcripts => _services.GetRequiredService<ISessionTranscripts>();

    private Task<PutObjectResponse> PutAsync(string sessionId, string content) =>
        _services.GetRequiredService<IAmazonS3>().PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = $"sessionmanager/{sessionId}.log", ContentBody = content });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private sealed class OneSession(SessionHistoryEntry entry) : ISessionHistory
    {
        public Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, SessionHistoryEntry>>(new Dictionary<string, SessionHistoryEntry> { [entry.SessionId] = entry });

        public Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default) =>
            Task.FromResult(sessionId == entry.SessionId ? entry : null);
    }
}

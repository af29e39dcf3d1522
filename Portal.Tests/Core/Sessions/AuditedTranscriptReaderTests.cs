using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Sessions;

namespace Portal.Tests.Core.Sessions;

/// <summary>Every read of a transcript is on the audit trail, with what was read and, when it failed, why.</summary>
public sealed class AuditedTranscriptReaderTests
{
    private readonly Trail _audit = new();
    private readonly Transcripts _transcripts = new();

    [Fact]
    public async Task RenderAsync_ForAView_AuditsTheViewWithWidthAndVersion()
    {
        var reader = new AuditedTranscriptReader(_transcripts, _audit);

        var missing = await reader.RenderAsync("carol", "alice-0123456789abcdef0", TranscriptUse.View, 120, "v2");

        Assert.Null(missing);
        var entry = Assert.Single(_audit.Records);
        Assert.Equal(("carol", AuditActions.SessionView, "alice-0123456789abcdef0", AuditOutcome.Failed), (entry.Actor, entry.Action, entry.Target, entry.Outcome));
        Assert.Equal("120 columns, version v2: no such transcript", entry.Detail);
    }

    [Fact]
    public async Task OpenRawAsync_WhenS3Refuses_AuditsTheFailureWithItsCode_AndRethrows()
    {
        _transcripts.Failure = new AwsApiException("s3", "GetObject", "AccessDenied", "no");
        var reader = new AuditedTranscriptReader(_transcripts, _audit);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => reader.OpenRawAsync("carol", "alice-0123456789abcdef0"));

        var entry = Assert.Single(_audit.Records);
        Assert.Equal((AuditActions.SessionDownload, AuditOutcome.Failed, "raw: s3 GetObject answered AccessDenied"), (entry.Action, entry.Outcome, entry.Detail));
        Assert.Equal("AccessDenied", error.ErrorCode);
    }

    [Fact]
    public async Task VersionsAsync_Found_IsASucceededRead()
    {
        _transcripts.Versions = [new TranscriptVersion("v1", DateTimeOffset.UnixEpoch, 10, "\"e\"", true, false)];
        var reader = new AuditedTranscriptReader(_transcripts, _audit);

        var versions = await reader.VersionsAsync("carol", "alice-0123456789abcdef0");

        Assert.Single(versions);
        Assert.Equal((AuditActions.SessionVersions, AuditOutcome.Succeeded), (_audit.Records[0].Action, _audit.Records[0].Outcome));
    }

    private sealed class Trail : IAuditTrail
    {
        public List<AuditRecord> Records { get; } = [];

        public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Records.Add(record);
            return Task.CompletedTask;
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class Transcripts : ISessionTranscripts
    {
        public AwsApiException? Failure { get; set; }

        public IReadOnlyList<TranscriptVersion> Versions { get; set; } = [];

        public Task<RenderedTranscript?> RenderAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default) =>
            Failure is null ? Task.FromResult<RenderedTranscript?>(null) : throw Failure;

        public Task<RenderedTranscript?> OpenAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default) =>
            RenderAsync(sessionId, columns, versionId, cancellationToken);

        public RenderedTranscript? FindOpen(TranscriptHandle handle) => null;

        public Task<(Stream Content, long Length, string? VersionId)?> OpenRawAsync(string sessionId, string? versionId = null, CancellationToken cancellationToken = default) =>
            Failure is null ? Task.FromResult<(Stream, long, string?)?>(null) : throw Failure;

        public Task<IReadOnlyList<TranscriptVersion>> VersionsAsync(string sessionId, CancellationToken cancellationToken = default) => Task.FromResult(Versions);
    }
}

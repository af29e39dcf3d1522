using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Core.Setup;
using Portal.Core.Text;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Setup;

/// <summary>What apply and verify keep, whoever asks (the page or the API): the saved settings, the status, the audit trail.</summary>
public sealed class SetupWizardTests
{
    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = "example-session-logs",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
    };

    private readonly Engine _engine = new();
    private readonly InMemorySetupStore _store = new();
    private readonly Audit _audit = new();
    private readonly Location _location = new();

    private SetupWizard Wizard => new(_engine, _store, _audit, _location);

    [Fact]
    public async Task Apply_ThatFails_SavesIncomplete_AuditsTheCodeAndWhatWasDone_AndRefreshesTheLogLocation()
    {
        _engine.Result = new SetupApplyResult("123456789012", "ap-northeast-1",
        [
            new StepResult("logBucket", StepOutcome.Created, [new Phrase("Create the bucket.")]),
            new StepResult("bastionRole", StepOutcome.Failed, [new Phrase("Create the role.")], "Throttling", "Rate exceeded"),
            new StepResult("endUserPolicy", StepOutcome.Skipped, []),
        ]);

        await Wizard.ApplyAsync(Settings, "alice");

        Assert.Equal((SetupStatus.Incomplete, "alice"), (_store.Saved!.Status, _store.Saved.SavedBy));
        var entry = Assert.Single(_audit.Records);
        Assert.Equal(("alice", "setup.apply", "123456789012/ap-northeast-1", AuditOutcome.Failed), (entry.Actor, entry.Action, entry.Target, entry.Outcome));
        Assert.Equal("bastionRole failed with Throttling after 1 change(s) in that step; logBucket created", entry.Detail);
        Assert.Equal(1, _location.Refreshed);
    }

    [Fact]
    public async Task Apply_WhenStsFails_SavesNothing_AndAuditsTheFailure()
    {
        _engine.Failure = new AwsApiException("sts", "GetCallerIdentity", "ExpiredToken", "The security token included in the request is expired");

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Wizard.ApplyAsync(Settings, "alice"));

        Assert.Equal("ExpiredToken", error.ErrorCode);
        Assert.Null(_store.Saved);
        Assert.Equal("sts answered ExpiredToken before any change", Assert.Single(_audit.Records).Detail);
        Assert.Equal(0, _location.Refreshed);
    }

    [Fact]
    public async Task Verify_RecordsDriftAndWhatDrifted_OrSaysThereIsNothingToVerify()
    {
        var nothing = await Wizard.VerifyAsync("alice");
        _store.Saved = new SavedSetup(Settings, DateTimeOffset.UnixEpoch, "alice", SetupStatus.Complete, DateTimeOffset.UnixEpoch);
        _engine.Plan = new SetupPlan("123456789012", "ap-northeast-1",
        [
            new StepPlan("logBucket", new Phrase("Log bucket"), [], [new SetupChange(new Phrase("Block all public access."), "aws s3api put-public-access-block")], new Dictionary<string, string>()),
            new StepPlan("notifications", new Phrase("Login notifications"), [], [], new Dictionary<string, string>(), "AccessDenied", "no"),
            new StepPlan("endUserPolicy", new Phrase("End-user policy"), [], [], new Dictionary<string, string>()),
        ]);

        var plan = await Wizard.VerifyAsync("carol-admin");

        Assert.Null(nothing);
        Assert.Same(_engine.Plan, plan);
        Assert.Equal(SetupStatus.Drifted, _store.Saved.Status);
        var entry = Assert.Single(_audit.Records);
        Assert.Equal(("carol-admin", "setup.verify"), (entry.Actor, entry.Action));
        Assert.Equal("drifted: logBucket: 1 change(s), notifications: AccessDenied", entry.Detail);
    }

    private sealed class Engine : ISetupEngine
    {
        public IAwsEnvironment Environment => throw new NotSupportedException();

        public IReadOnlyList<SetupStepInfo> Steps { get; } = [];

        public SetupApplyResult? Result { get; set; }

        public SetupPlan? Plan { get; set; }

        public AwsApiException? Failure { get; set; }

        public Task<SetupPlan> PlanAsync(SetupSettings settings, CancellationToken cancellationToken = default) => Task.FromResult(Plan!);

        public Task<SetupDocuments> DocumentsAsync(SetupSettings settings, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SetupApplyResult> ApplyAsync(SetupSettings settings, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default) =>
            Failure is null ? Task.FromResult(Result!) : Task.FromException<SetupApplyResult>(Failure);
    }

    private sealed class Audit : IAuditTrail
    {
        public List<AuditRecord> Records { get; } = [];

        public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Records.Add(record);
            return Task.CompletedTask;
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class Location : ISessionLogLocation
    {
        public int Refreshed { get; private set; }

        public ValueTask<SessionLogSource?> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<SessionLogSource?>(null);

        public void Refresh() => Refreshed++;
    }
}

using Portal.Core.Aws;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Core.Text;

namespace Portal.Tests.Core.Setup;

public sealed class SetupEngineTests
{
    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = "example-session-logs",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
    };

    [Fact]
    public async Task Apply_WhenAChangeFails_StopsThere_SaysWhatWasDone_AndAgainResumes()
    {
        var first = new FakeStep("first", "a", "b");
        var second = new FakeStep("second", "c", "d", "e") { FailOnce = "d" };
        var third = new FakeStep("third", "f");
        var engine = Engine([first, second, third]);
        var log = new List<SetupProgress>();

        var failed = await engine.ApplyAsync(Settings, new SyncProgress(log.Add));
        var resumed = await engine.ApplyAsync(Settings);
        var again = await engine.ApplyAsync(Settings);

        Assert.Equal([StepOutcome.Created, StepOutcome.Failed, StepOutcome.Skipped], failed.Steps.Select(s => s.Outcome));
        Assert.False(failed.Succeeded);
        var broken = failed.Steps[1];
        Assert.Equal(["Make c"], broken.Done.Select(d => d.English));
        Assert.Equal("Throttling", broken.ErrorCode);
        Assert.Contains("Rate exceeded", broken.Message, StringComparison.Ordinal);
        Assert.Contains(log, p => p.Step == "second" && p.Message.English.StartsWith("Failed: ", StringComparison.Ordinal));
        Assert.Equal([StepOutcome.Unchanged, StepOutcome.Updated, StepOutcome.Created], resumed.Steps.Select(s => s.Outcome));
        Assert.Equal(["Make d", "Make e"], resumed.Steps[1].Done.Select(d => d.English));
        Assert.All(again.Steps, s => Assert.Equal(StepOutcome.Unchanged, s.Outcome));
        Assert.True(again.Succeeded);
    }

    [Fact]
    public async Task Plan_ListsEveryStepsChanges_AndAReadFailureAsThatStepsError()
    {
        var engine = Engine([new FakeStep("first", "a"), new FakeStep("second", "b") { FailReads = true }]);

        var plan = await engine.PlanAsync(Settings);

        Assert.Equal(("123456789012", "ap-northeast-1"), (plan.AccountId, plan.Region));
        Assert.Equal(["Make a"], plan.Steps[0].Changes.Select(c => c.Description.English));
        Assert.Equal("AccessDenied", plan.Steps[1].ErrorCode);
        Assert.False(plan.IsComplete);
    }

    [Fact]
    public async Task Apply_WithABadSetting_CallsNothing()
    {
        var step = new FakeStep("first", "a");
        var engine = Engine([step]);

        var refused = await Assert.ThrowsAsync<SetupValidationException>(() => engine.ApplyAsync(Settings with { BucketName = "Bad_Name" }));

        Assert.Equal([nameof(SetupSettings.BucketName)], refused.Errors.Keys);
        Assert.Equal(0, step.Reads);
    }

    [Fact]
    public async Task Steps_AreTheRegisteredOnes_InOrder_AndEachEndsWithATypedOutcome()
    {
        var engine = Engine([new FakeStep("first", "a"), new FakeStep("second")]);
        var lines = new List<SetupProgress>();

        await engine.ApplyAsync(Settings, new Collect(lines));

        Assert.Equal(["first", "second"], engine.Steps.Select(s => s.Name));
        Assert.Equal([StepOutcome.Created, StepOutcome.Unchanged], lines.Where(l => l.Outcome is not null).Select(l => l.Outcome!.Value));
        Assert.All(lines.Where(l => l.Outcome is null), l => Assert.Equal("first", l.Step)); // the one change, as it was made
    }

    [Fact]
    public async Task Plan_WithAKmsKeyInAnotherRegion_IsRefused_BeforeAnyRead()
    {
        var step = new FakeStep("first", "a");
        var engine = Engine([step]);
        var elsewhere = Settings with { Encryption = BucketEncryption.SseKms, KmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" };

        var refused = await Assert.ThrowsAsync<SetupValidationException>(() => engine.PlanAsync(elsewhere));
        var here = await engine.PlanAsync(elsewhere with { KmsKeyArn = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });

        Assert.Contains("us-east-1", Assert.Single(refused.Errors[nameof(SetupSettings.KmsKeyArn)]), StringComparison.Ordinal);
        Assert.Equal(1, step.Reads); // only the plan in the bucket's region read anything
        Assert.Single(here.Steps);
    }

    private sealed class FakeStep(string name, params string[] resources) : ISetupStep
    {
        private readonly HashSet<string> _made = [];

        public string? FailOnce { get; set; }

        public bool FailReads { get; init; }

        public int Reads { get; private set; }

        public string Name => name;

        public Phrase Title => new(name);

        public Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
        {
            Reads++;
            if (FailReads)
            {
                throw new AwsApiException("iam", "GetRole", "AccessDenied", "not allowed");
            }

            var missing = resources.Where(r => !_made.Contains(r)).Select(r => new PendingChange(new SetupChange(new Phrase($"Make {r}"), $"aws make {r}"), _ =>
            {
                if (FailOnce == r)
                {
                    FailOnce = null;
                    throw new AwsApiException("iam", "CreateRole", "Throttling", "Rate exceeded");
                }

                _made.Add(r);
                return Task.CompletedTask;
            }));
            return Task.FromResult(new StepInspection(_made.Count > 0, [], [.. missing], new Dictionary<string, string>()));
        }
    }

    private static SetupEngine Engine(IEnumerable<ISetupStep> steps)
    {
        var environment = new FakeEnvironment();
        return new SetupEngine(environment, steps, new PortalIdentity(environment));
    }

    private sealed class FakeEnvironment : IAwsEnvironment
    {
        public Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new AwsCallerIdentity("123456789012", "arn:aws:iam::123456789012:user/alice", "AIDA", "ap-northeast-1", null));

        public Task<IReadOnlyList<Ec2InstanceSummary>> ListInstancesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListUserNamesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, string>> GetAgentStatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class SyncProgress(Action<SetupProgress> report) : IProgress<SetupProgress>
    {
        public void Report(SetupProgress value) => report(value);
    }

    private sealed class Collect(List<SetupProgress> lines) : IProgress<SetupProgress>
    {
        public void Report(SetupProgress value) => lines.Add(value);
    }
}

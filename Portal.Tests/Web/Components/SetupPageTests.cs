using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Core.Setup;
using Portal.Core.Text;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Pages.Setup;

namespace Portal.Tests.Web.Components;

/// <summary>The wizard's stepper over fakes: the connection, per-step plans, validation, apply with its log and outcome, verify.</summary>
public sealed class SetupPageTests : PortalBunitContext
{
    private readonly FakeEnvironment _environment = new();
    private readonly FakeEngine _engine;
    private readonly InMemorySetupStore _store = new();
    private readonly FakeWizard _wizard;

    public SetupPageTests()
    {
        _engine = new FakeEngine(_environment);
        _wizard = new FakeWizard(_store);
        SignIn("alice", "Admin");
        Services.AddSingleton<ISetupEngine>(_engine);
        Services.AddSingleton<ISetupWizard>(_wizard);
        Services.AddSingleton<ISetupStore>(_store);
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)));
        Services.AddSingleton(Options.Create(new SessionLogOptions { Bucket = "existing-logs" }));
    }

    [Fact]
    public void Connection_ShowsTheAccountTheInstancesAndWhyAgentStatusIsMissing()
    {
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("123456789012", page.Find("[data-testid=setup-account]").TextContent));
        var instances = page.Find("[data-testid=setup-instances]").TextContent;
        Assert.Contains("i-0123456789abcdef0", instances, StringComparison.Ordinal);
        Assert.Contains("app-server", instances, StringComparison.Ordinal);
        // The profile by name, its ARN on hover.
        var profile = page.Find("[data-testid=setup-instances] span[title='arn:aws:iam::123456789012:instance-profile/Old']");
        Assert.Equal("Old", profile.TextContent);
        Assert.Contains("SSM agent status is not available here (NotImplemented", page.Markup, StringComparison.Ordinal);
        Assert.Contains("SSM-SessionManagerRunShell does not exist", page.Find("[data-testid=setup-preferences]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_WithoutABastion_NamesWhatIsMissing_AndCannotApply()
    {
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("[data-testid=setup-account]"));

        GoTo(page, "Review and apply");

        page.WaitForAssertion(() => Assert.Contains("Choose at least one bastion instance.", page.Find("[data-testid=setup-errors]").TextContent, StringComparison.Ordinal));
        Assert.True(page.Find("[data-testid=setup-apply]").HasAttribute("disabled"));
        Assert.Empty(_engine.Planned);
    }

    [Fact]
    public void Step_ShowsWhatExistsWhatChangesTheDocumentsAndTheCommands()
    {
        var page = RenderWithBastionAndMail();

        GoTo(page, "Log bucket");

        page.WaitForAssertion(() => Assert.Contains("Create the bucket existing-logs.", page.Find("[data-testid=plan-logBucket]").TextContent, StringComparison.Ordinal));
        var plan = page.Find("[data-testid=plan-logBucket]");
        Assert.Contains("Nothing in the way.", plan.TextContent, StringComparison.Ordinal);
        Assert.Contains("bucket-encryption.json", plan.TextContent, StringComparison.Ordinal);
        Assert.Equal(["i-0123456789abcdef0"], _engine.Planned[^1].BastionInstanceIds);
        Assert.Equal("existing-logs", _engine.Planned[^1].BucketName);
    }

    [Fact]
    public void Step_ContentFromAws_IsEncoded()
    {
        _engine.CurrentLine = "<script>alert(1)</script>";
        var page = RenderWithBastionAndMail();

        GoTo(page, "Log bucket");

        page.WaitForAssertion(() => Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page.Find("[data-testid=plan-logBucket]").InnerHtml, StringComparison.Ordinal));
        Assert.DoesNotContain("<script>alert(1)", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_WhileAnotherStepIsIncomplete_SaysWhatBlocksThePlan()
    {
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("[data-testid=bastion-bastion]"));
        page.Find("[data-testid=bastion-bastion]").Change(true);

        GoTo(page, "Log bucket");

        page.WaitForAssertion(() => Assert.Contains("still to fix: Give at least one address to mail logins to.", page.Find("[data-testid=plan-logBucket-blocked]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_engine.Planned);
    }

    [Fact]
    public async Task BastionUsers_ChosenFromIamsUsers_ArePlanned()
    {
        var page = RenderWithBastionAndMail();
        GoTo(page, "Bastion users");
        page.WaitForAssertion(() => page.Find("[data-testid=field-bastion-users]"));
        var users = page.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "Put it on these IAM users");
        Assert.Contains("so choose the people's bastion users", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => users.Instance.SelectedValuesChanged.InvokeAsync(["erin", "dave"]));
        GoTo(page, "Review and apply");

        page.WaitForAssertion(() => Assert.Equal(["dave", "erin"], _engine.Planned[^1].BastionUsers));
        Assert.Equal("PortalBastionBoundary", _engine.Planned[^1].BoundaryPolicyName);
    }

    [Fact]
    public void Field_WithABadValue_ShowsTheRuleUnderIt()
    {
        var page = RenderWithBastionAndMail();
        GoTo(page, "Log bucket");

        page.Find("[data-testid=field-bucket]").Change("Bad_Bucket");
        GoTo(page, "Review and apply");
        GoTo(page, "Log bucket");

        page.WaitForAssertion(() => Assert.Contains("lower-case", page.Find("[data-testid=setup-stepper]").TextContent, StringComparison.Ordinal));
        Assert.All(_engine.Planned, s => Assert.Equal("existing-logs", s.BucketName));
    }

    [Fact]
    public void Apply_ThatFailsMidway_ShowsTheCodeWhatWasDoneAndTheLog()
    {
        _wizard.FailAt = "bastionRole";
        var page = RenderWithBastionAndMail();
        GoTo(page, "Review and apply");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=setup-apply]").HasAttribute("disabled")));

        page.Find("[data-testid=setup-apply]").Click();

        page.WaitForAssertion(() => Assert.Contains("EntityAlreadyExists", page.Find("[data-testid=setup-failed]").TextContent, StringComparison.Ordinal));
        var failed = page.Find("[data-testid=setup-failed]").TextContent;
        Assert.Contains("Bastion role failed", failed, StringComparison.Ordinal);
        Assert.Contains("Log bucket: Create the bucket existing-logs.", failed, StringComparison.Ordinal);
        Assert.Contains("apply resumes where it stopped", failed, StringComparison.Ordinal);
        Assert.Contains("created", page.Find("[data-testid=outcome-logBucket]").TextContent, StringComparison.Ordinal);
        Assert.Contains("failed", page.Find("[data-testid=outcome-bastionRole]").TextContent, StringComparison.Ordinal);
        Assert.Contains("skipped", page.Find("[data-testid=outcome-endUserPolicy]").TextContent, StringComparison.Ordinal);
        var log = page.Find("[data-testid=setup-log]").TextContent;
        Assert.Contains("Log bucket: Create the bucket existing-logs.", log, StringComparison.Ordinal);
        Assert.Contains("Bastion role: Failed: the role is in the way", log, StringComparison.Ordinal);
        Assert.Equal("alice", _wizard.Actor);
    }

    [Fact]
    public void Apply_ThenVerify_ReportsEveryStepAndTheSavedStatus()
    {
        var page = RenderWithBastionAndMail();
        GoTo(page, "Review and apply");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=setup-apply]").HasAttribute("disabled")));

        page.Find("[data-testid=setup-apply]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=setup-applied]"));
        page.Find("[data-testid=setup-verify]").Click();

        page.WaitForAssertion(() => Assert.Contains("everything was as chosen", page.Find("[data-testid=setup-status]").TextContent, StringComparison.Ordinal));
        Assert.All(["logBucket", "bastionRole", "preferences", "notifications", "endUserPolicy"], step =>
            Assert.Contains("created", page.Find($"[data-testid=outcome-{step}]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, _wizard.Verified);
    }

    [Fact]
    public void Saved_Settings_FillTheForm()
    {
        _store.Saved = new SavedSetup(
            new SetupSettings { BastionInstanceIds = ["i-0fedcba9876543210"], BucketName = "saved-logs", TopicName = "saved-topic", NotificationEmails = ["a@example.com", "b@example.com"] },
            DateTimeOffset.UnixEpoch,
            "alice",
            SetupStatus.Drifted,
            DateTimeOffset.UnixEpoch);
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("something had changed since", page.Find("[data-testid=setup-status]").TextContent, StringComparison.Ordinal));
        GoTo(page, "Notifications");

        page.WaitForAssertion(() => Assert.Equal("saved-topic", page.Find("[data-testid=field-topic]").GetAttribute("value")));
        Assert.Equal("a@example.com\nb@example.com", page.Find("[data-testid=field-emails]").TextContent);
        page.WaitForAssertion(() => Assert.Equal("saved-logs", _engine.Planned[^1].BucketName));
        Assert.Equal(["i-0fedcba9876543210"], _engine.Planned[^1].BastionInstanceIds);
    }

    /// <summary>The page with the bastion chosen and an address to mail: every setting valid.</summary>
    private IRenderedComponent<SetupPage> RenderWithBastionAndMail()
    {
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("[data-testid=bastion-bastion]"));
        page.Find("[data-testid=bastion-bastion]").Change(true);
        GoTo(page, "Notifications");
        page.Find("[data-testid=field-emails]").Change("ops@example.com");
        return page;
    }

    private IRenderedComponent<SetupPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<SetupPage>();
    }

    private static void GoTo(IRenderedComponent<SetupPage> page, string title) =>
        page.FindAll("button.mud-step").Single(b => b.TextContent.Contains(title, StringComparison.Ordinal)).Click();

    private sealed class FakeEnvironment : IAwsEnvironment
    {
        public Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new AwsCallerIdentity("123456789012", "arn:aws:iam::123456789012:user/alice", "AIDA", "ap-northeast-1", null));

        public Task<IReadOnlyList<Ec2InstanceSummary>> ListInstancesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Ec2InstanceSummary>>(
            [
                new("i-0fedcba9876543210", "app-server", "running", "Linux/UNIX", "t3.micro", "arn:aws:iam::123456789012:instance-profile/Old", null),
                new("i-0123456789abcdef0", "bastion", "running", "Linux/UNIX", "t3.micro", null, null),
            ]);

        public Task<IReadOnlyList<string>> ListUserNamesAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>(["dave", "erin"]);

        public Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default) => Task.FromResult<SessionPreferences?>(null);

        public Task<IReadOnlyDictionary<string, string>> GetAgentStatusAsync(CancellationToken cancellationToken = default) =>
            throw new AwsApiException("ssm", "DescribeInstanceInformation", "NotImplemented", "not here", null, null);
    }

    private sealed class FakeEngine(IAwsEnvironment environment) : ISetupEngine
    {
        public IAwsEnvironment Environment => environment;

        public IReadOnlyList<SetupStepInfo> Steps { get; } =
            [new("logBucket", new Phrase("Log bucket")), new("bastionRole", new Phrase("Bastion role")), new("preferences", new Phrase("Preferences")), new("notifications", new Phrase("Notifications")), new("endUserPolicy", new Phrase("End-user policy"))];

        public List<SetupSettings> Planned { get; } = [];

        public string CurrentLine { get; set; } = "Nothing in the way.";

        public Task<SetupPlan> PlanAsync(SetupSettings settings, CancellationToken cancellationToken = default)
        {
            Planned.Add(settings);
            return Task.FromResult(new SetupPlan("123456789012", "ap-northeast-1",
            [
                new StepPlan("logBucket", new Phrase("Log bucket"), [new Phrase(CurrentLine)], [new SetupChange(new Phrase($"Create the bucket {settings.BucketName}."), $"aws s3api create-bucket --bucket {settings.BucketName}")], new Dictionary<string, string> { ["bucket-encryption.json"] = "{}" }),
                new StepPlan("bastionRole", new Phrase("Bastion role"), [], [new SetupChange(new Phrase("Create the role."), "aws iam create-role")], new Dictionary<string, string>()),
                new StepPlan("preferences", new Phrase("Preferences"), [], [], new Dictionary<string, string>()),
                new StepPlan("notifications", new Phrase("Notifications"), [], [], new Dictionary<string, string>()),
                new StepPlan("endUserPolicy", new Phrase("End-user policy"), [], [], new Dictionary<string, string>()),
            ]));
        }

        public Task<SetupDocuments> DocumentsAsync(SetupSettings settings, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SetupDocuments(settings, "ap-northeast-1", "123456789012"));

        public Task<SetupApplyResult> ApplyAsync(SetupSettings settings, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The page applies through the wizard service.");
    }

    private sealed class FakeWizard(InMemorySetupStore store) : ISetupWizard
    {
        public string? FailAt { get; set; }

        public string? Actor { get; private set; }

        public int Verified { get; private set; }

        public Task<SetupApplyResult> ApplyAsync(SetupSettings settings, string actor, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            Actor = actor;
            var results = new List<StepResult>();
            foreach (var step in new[] { "logBucket", "bastionRole", "preferences", "notifications", "endUserPolicy" })
            {
                if (results.Any(r => r.Outcome == StepOutcome.Failed))
                {
                    results.Add(new StepResult(step, StepOutcome.Skipped, []));
                }
                else if (step == FailAt)
                {
                    progress?.Report(new SetupProgress(step, new Phrase("Failed: the role is in the way"), StepOutcome.Failed));
                    results.Add(new StepResult(step, StepOutcome.Failed, [], "EntityAlreadyExists", "the role is in the way"));
                }
                else
                {
                    var done = new Phrase(step == "logBucket" ? $"Create the bucket {settings.BucketName}." : $"Create {step}.");
                    progress?.Report(new SetupProgress(step, done));
                    progress?.Report(new SetupProgress(step, new Phrase("Done."), StepOutcome.Created));
                    results.Add(new StepResult(step, StepOutcome.Created, [done]));
                }
            }

            var result = new SetupApplyResult("123456789012", "ap-northeast-1", results);
            store.SaveAsync(settings, actor, result.Succeeded ? SetupStatus.Complete : SetupStatus.Incomplete, cancellationToken);
            return Task.FromResult(result);
        }

        public Task<SetupPlan?> VerifyAsync(string actor, CancellationToken cancellationToken = default)
        {
            Verified++;
            store.RecordStatusAsync(SetupStatus.Complete, cancellationToken);
            return Task.FromResult<SetupPlan?>(new SetupPlan("123456789012", "ap-northeast-1", []));
        }
    }
}

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Text;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Dashboard;

namespace Portal.Tests.Web.Components;

public sealed class SetupStatusCardTests : PortalBunitContext
{
    private static readonly SetupSettings Settings = new() { BastionInstanceIds = ["i-0123456789abcdef0"], BucketName = "team-logs", TopicName = "bastion-logins", NotificationEmails = ["ops@example.com"] };

    private readonly InMemorySetupStore _store = new();

    public SetupStatusCardTests()
    {
        SignIn("alice", "Admin");
        Services.AddSingleton<ISetupStore>(_store);
        Services.AddSingleton<ISetupWizard>(new DriftWizard(_store));
    }

    [Fact]
    public void Render_BeforeAnyApply_SaysIncomplete_AndCannotVerify()
    {
        var card = Render<SetupStatusCard>();

        card.WaitForAssertion(() => Assert.Equal("incomplete", card.Find("[data-testid=setup-status-chip]").TextContent.Trim()));
        Assert.True(card.Find("[data-testid=setup-status-verify]").HasAttribute("disabled"));
    }

    [Fact]
    public void Verify_WhenSomethingChanged_SaysDriftedAndWhat()
    {
        _store.Saved = new SavedSetup(Settings, DateTimeOffset.UnixEpoch, "alice", SetupStatus.Complete, DateTimeOffset.UnixEpoch);
        var card = Render<SetupStatusCard>();
        card.WaitForAssertion(() => Assert.Equal("complete", card.Find("[data-testid=setup-status-chip]").TextContent.Trim()));
        Assert.Contains("s3://team-logs/sessionmanager/", card.Markup, StringComparison.Ordinal);

        card.Find("[data-testid=setup-status-verify]").Click();

        card.WaitForAssertion(() => Assert.Equal("drifted", card.Find("[data-testid=setup-status-chip]").TextContent.Trim()));
        Assert.Contains("Log bucket: Block all public access (the four settings).", card.Find("[data-testid=setup-drift]").TextContent, StringComparison.Ordinal);
    }

    private sealed class DriftWizard(InMemorySetupStore store) : ISetupWizard
    {
        public Task<SetupApplyResult> ApplyAsync(SetupSettings settings, string actor, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async Task<SetupPlan?> VerifyAsync(string actor, CancellationToken cancellationToken = default)
        {
            await store.RecordStatusAsync(SetupStatus.Drifted, cancellationToken);
            return new SetupPlan("123456789012", "ap-northeast-1",
            [
                new StepPlan("logBucket", new Phrase("Log bucket"), [], [new SetupChange(new Phrase("Block all public access (the four settings)."), "aws s3api put-public-access-block")], new Dictionary<string, string>()),
                new StepPlan("bastionRole", new Phrase("Bastion role"), [], [], new Dictionary<string, string>()),
            ]);
        }
    }
}

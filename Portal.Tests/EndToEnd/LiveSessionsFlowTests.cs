using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// In Chromium: bob sees the bastion's live sessions at /access/sessions, among them one dave started under the grant
/// bob just approved, ends it with a reason, and dave's request page tells him; the <c>aws</c> CLI sees it ended.
/// </summary>
public sealed class LiveSessionsFlowTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    [Fact]
    public async Task Bob_SeesDavesLiveSession_AndEndsIt_DaveIsTold()
    {
        var dave = await fixture.SignedInAsync("dave");
        await dave.GotoAsync("/access/request");
        await Assertions.Expect(dave.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await dave.GetByTestId("request-reason").FillAsync("Restart the app server");
        await dave.GetByTestId("request-reason").BlurAsync();
        await dave.GetByTestId("request-submit").ClickAsync();
        await Assertions.Expect(dave.GetByTestId("my-requests").Locator("tr", new() { HasText = "pending" })).ToHaveCountAsync(1);
        var bob = await fixture.SignedInAsync("bob");
        await bob.GotoAsync("/access");
        await Assertions.Expect(bob.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        var pending = bob.GetByTestId("pending-requests").Locator("tr", new() { HasText = "Restart the app server" });
        await pending.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await bob.GetByTestId("decision-confirm").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("grants").Locator("tr", new() { HasText = "user/dave · dave" })).ToContainTextAsync("active");
        var bastion = (await AwsCli.RunAsync(fixture.MotoEndpoint, "ec2", "describe-instances", "--filters", "Name=tag:Name,Values=bastion"))
            .GetProperty("Reservations")[0].GetProperty("Instances")[0].GetProperty("InstanceId").GetString()!;
        var session = await SessionManagerUsers.StartSessionAsync(fixture.MotoEndpoint, "dave", bastion);

        await bob.GetByTestId("nav-live-sessions").ClickAsync();
        await Assertions.Expect(bob.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        var row = bob.GetByTestId("live-sessions").Locator("tr", new() { HasText = session });
        await Assertions.Expect(row).ToContainTextAsync("dave");
        await Assertions.Expect(row).ToContainTextAsync("bastion");
        await Assertions.Expect(bob.GetByTestId($"session-grant-{session}")).ToBeVisibleAsync();
        await Assertions.Expect(bob.GetByTestId("live-sessions")).ToContainTextAsync("erin-03d2b7f9e1a6c4580"); // the sandbox's seeded session
        await bob.GetByTestId($"terminate-{session}").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("decision-confirm")).ToBeDisabledAsync(); // a reason is required
        await bob.GetByTestId("decision-comment").FillAsync("Maintenance window closed");
        await bob.GetByTestId("decision-confirm").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("live-sessions").Locator("tr", new() { HasText = session })).ToHaveCountAsync(0);

        var active = await AwsCli.RunAsync(fixture.MotoEndpoint, "ssm", "describe-sessions", "--state", "Active");
        Assert.DoesNotContain(session, active.GetRawText(), StringComparison.Ordinal);
        await dave.GotoAsync("/access/request");
        await Assertions.Expect(dave.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await dave.GetByRole(AriaRole.Button, new() { Name = "Notices" }).ClickAsync();
        await Assertions.Expect(dave.GetByTestId("notice").First).ToContainTextAsync($"Your session {session} on {bastion} was ended by bob: Maintenance window closed");
        await dave.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }
}

using Microsoft.Playwright;

namespace Portal.Tests.EndToEnd;

/// <summary>Dave asks for access in Chromium, Bob approves it, then revokes it; IAM is read back with the <c>aws</c> CLI.</summary>
public sealed class AccessFlowTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    [Fact]
    public async Task Dave_Requests_Bob_Approves_ThenRevokes()
    {
        var reason = $"Rotate the nginx logs {Guid.NewGuid():N}"[..34];
        var dave = await fixture.SignedInAsync("dave");
        await dave.GotoAsync("/access/request");
        await Assertions.Expect(dave.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await dave.GetByTestId("request-reason").FillAsync(reason);
        await dave.GetByTestId("request-reason").BlurAsync();
        await dave.GetByTestId("request-submit").ClickAsync();
        var row = dave.GetByTestId("my-requests").Locator("tr", new() { HasText = "pending" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 }); // the whole suite shares two cores in CI

        var bob = await fixture.SignedInAsync("bob");
        await Assertions.Expect(bob.GetByTestId("access-pending-count")).ToHaveTextAsync("1 request waiting for a decision");
        await Assertions.Expect(bob.GetByTestId("notices-badge")).ToContainTextAsync("1");
        await bob.GetByTestId("nav-access").ClickAsync();
        var pending = bob.GetByTestId("pending-requests").Locator("tr", new() { HasText = reason });
        await Assertions.Expect(pending).ToContainTextAsync("dave");
        await pending.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await bob.GetByTestId("decision-comment").FillAsync("go ahead");
        await bob.GetByTestId("decision-confirm").ClickAsync();
        var grant = bob.GetByTestId("grants").Locator("tr", new() { HasText = "user/dave · dave" });
        await Assertions.Expect(grant).ToContainTextAsync("active");
        var grantId = (await grant.Locator("td").First.InnerTextAsync()).Trim();

        await dave.GotoAsync("/");
        await Assertions.Expect(dave.GetByTestId("my-active-grant")).ToContainTextAsync("aws ssm start-session --target i-");
        await Assertions.Expect(dave.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await dave.GetByRole(AriaRole.Button, new() { Name = "Notices" }).ClickAsync();
        await Assertions.Expect(dave.GetByTestId("notice").First).ToContainTextAsync("was approved by bob");
        await dave.GotoAsync("/access/request");
        await Assertions.Expect(dave.GetByTestId("connect-command")).ToContainTextAsync("aws ssm start-session --target i-");
        await Assertions.Expect(dave.GetByTestId("countdown").First).ToContainTextAsync("left");
        var policy = await TestSupport.AwsCli.RunAsync(fixture.MotoEndpoint, "iam", "get-user-policy", "--user-name", "dave", "--policy-name", $"portal-grant-{grantId}");
        Assert.Contains("ssm:StartSession", policy.GetProperty("PolicyDocument").GetRawText(), StringComparison.Ordinal);

        await grant.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await bob.GetByTestId("decision-confirm").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("grants").Locator("tr", new() { HasText = "user/dave · dave" })).ToHaveCountAsync(0);
        var left = await TestSupport.AwsCli.RunAsync(fixture.MotoEndpoint, "iam", "list-user-policies", "--user-name", "dave");
        Assert.DoesNotContain($"portal-grant-{grantId}", left.GetProperty("PolicyNames").EnumerateArray().Select(p => p.GetString()));

        await dave.ReloadAsync();
        await Assertions.Expect(dave.GetByTestId("my-requests")).ToContainTextAsync("revoked");
        await dave.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }
}

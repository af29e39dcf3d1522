using Microsoft.Playwright;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Production sign-in: the portal in Aws mode against a local OpenIddict provider, authorization code flow with
/// PKCE in Chromium, roles from the groups claim, and sign-out at both ends.
/// </summary>
public sealed class OidcSignInTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task SignIn_AdminGroup_GetsAdminRoleThenSignsOutAtBothEnds()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/setup");
        await page.WaitForURLAsync($"{fixture.ProviderAuthority}login*");
        await page.FillAsync("#username", "ops.admin");
        await page.ClickAsync("#login");
        await page.WaitForURLAsync($"{fixture.Portal.BaseAddress}setup");

        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Olivia Ops · Admin");
        await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("setup-account")).ToHaveTextAsync("123456789012");

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync($"{fixture.ProviderAuthority}login*");
        var cookies = await page.Context.CookiesAsync([fixture.Portal.BaseAddress.ToString()]);
        Assert.DoesNotContain(cookies, c => c.Name == "portal.auth");

        using var api = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task SignIn_AuditorGroup_SeesAuditNotSetup_AndIsAudited()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("#username", "audit.jane");
        await page.ClickAsync("#login");
        await page.WaitForURLAsync(fixture.Portal.BaseAddress.ToString());

        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Jane Audit · Auditor");
        // Production: the sign-in cookie is Secure (and HttpOnly, SameSite=Lax) even on this plain-HTTP localhost.
        var cookie = (await page.Context.CookiesAsync([fixture.Portal.BaseAddress.ToString()])).Single(c => c.Name == "portal.auth");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        await Assertions.Expect(page.GetByTestId("nav-audit")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-setup")).ToHaveCountAsync(0);
        // The dashboard reads the trail while it renders; run from the build output in Production the portal has no
        // interactive assets, so this avoids the grid that loads only after the circuit starts.
        await Assertions.Expect(page.GetByTestId("card-recent-activity")).ToContainTextAsync("audit.jane");
        await Assertions.Expect(page.GetByTestId("card-recent-activity")).ToContainTextAsync("auth.sign-in");
    }

    [Fact]
    public async Task SignIn_NoPortalGroup_IsDenied()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("#username", "guest");
        await page.ClickAsync("#login");

        await page.WaitForURLAsync("**/access-denied*");
        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task RemovedFromTheAuditorsGroup_LosesTheRoleWithinTheCheckInterval()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/audit");
        await page.FillAsync("#username", "audit.raj");
        await page.ClickAsync("#login");
        await page.WaitForURLAsync($"{fixture.Portal.BaseAddress}audit");
        await Assertions.Expect(page.GetByTestId("nav-audit")).ToBeVisibleAsync();

        LocalOidcProvider.People["audit.raj"] = ("Raj Audit", ["staff"]);
        try
        {
            // Roles are read again every 5 s here (RoleCheckInterval). This fixture serves pages without their
            // interactive assets, so there is no circuit: the next request is where the role goes (open circuits run
            // the same check; see SignInValidityTests).
            await Task.Delay(TimeSpan.FromSeconds(6));
            using var api = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Portal.BaseAddress };
            var cookies = await page.Context.CookiesAsync([fixture.Portal.BaseAddress.ToString()]);
            api.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
            using var audit = await api.GetAsync("/audit");
            Assert.Equal(System.Net.HttpStatusCode.Redirect, audit.StatusCode);
            Assert.Contains("access-denied", audit.Headers.Location!.ToString(), StringComparison.Ordinal);
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("nav-audit")).ToHaveCountAsync(0);
        }
        finally
        {
            LocalOidcProvider.People["audit.raj"] = ("Raj Audit", ["portal-auditors"]);
        }
    }
}

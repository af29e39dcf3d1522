using Microsoft.Playwright;

using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>Each seeded person signs in through Chromium and sees exactly the navigation their roles allow.</summary>
public sealed class NavigationByRoleTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    private static readonly string[] AllNav = ["dashboard", "sessions", "search", "access", "setup", "audit", "tokens"];

    // True when transcript row n (1-based) is drawn inside the transcript pane's visible area.
    [Theory]
    [InlineData("alice", "Alice Admin", "dashboard,sessions,search,access,setup,audit,tokens")]
    [InlineData("bob", "Bob Approver", "dashboard,access")]
    [InlineData("carol", "Carol Auditor", "dashboard,sessions,search,audit")]
    [InlineData("dave", "Dave Requester", "dashboard,access")]
    [InlineData("erin", "Erin Requester-Approver", "dashboard,access")]
    public async Task SignIn_AsEachPerson_ShowsTheirNavigationThenSignsOut(string person, string displayName, string visible)
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/signin?returnUrl=*");
        await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();
        await page.GetByTestId($"signin-{person}").ClickAsync();
        await page.WaitForURLAsync(fixture.Portal.BaseAddress.ToString());
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync(displayName);
        await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();

        // The prerendered page is replaced when the circuit connects; a click in between can land on the old form.
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

        var expected = visible.Split(',');
        foreach (var item in AllNav)
        {
            var link = page.GetByTestId($"nav-{item}");
            if (expected.Contains(item))
            {
                await Assertions.Expect(link).ToBeVisibleAsync();
            }
            else
            {
                await Assertions.Expect(link).ToHaveCountAsync(0);
            }
        }

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync("**/signin");
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/signin?returnUrl=*");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_CompletesTheSetupWizard_AndTheAwsCliSeesIt()
    {
        var page = await fixture.SignedInAsync("alice");

        await page.GetByTestId("nav-setup").ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-account")).ToHaveTextAsync("123456789012");
        await Assertions.Expect(page.GetByTestId("setup-instances")).ToContainTextAsync("bastion");
        await Assertions.Expect(page.GetByTestId("setup-preferences")).ToContainTextAsync("SSM-SessionManagerRunShell does not exist");

        await page.GetByTestId("bastion-bastion").CheckAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Log bucket" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-bucket")).ToHaveValueAsync("bastion-session-logs-sandbox");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Notifications" }).ClickAsync();
        await page.GetByTestId("field-emails").FillAsync("ops@example.com");
        await page.GetByTestId("field-emails").BlurAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Log bucket" }).ClickAsync();

        // The first plan reads every step; moto loads the AWS managed policies on its first IAM call, which takes a while.
        await Assertions.Expect(page.GetByTestId("plan-logBucket")).ToContainTextAsync("Set a bucket policy that denies requests without TLS.", new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Review and apply" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-apply")).ToBeEnabledAsync();
        await page.GetByTestId("setup-apply").ClickAsync();

        await Assertions.Expect(page.GetByTestId("setup-applied")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        foreach (var step in new[] { "logBucket", "bastionRole", "preferences", "notifications", "endUserPolicy" })
        {
            await Assertions.Expect(page.GetByTestId($"outcome-{step}")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("created|updated"));
        }

        await Assertions.Expect(page.GetByTestId("setup-log")).ToContainTextAsync("Log bucket:");
        await page.GetByTestId("setup-verify").ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-status")).ToContainTextAsync("everything was as chosen");

        var preferences = await TestSupport.AwsCli.RunAsync(fixture.MotoEndpoint, "ssm", "get-document", "--name", "SSM-SessionManagerRunShell");
        Assert.Contains("bastion-session-logs-sandbox", preferences.GetProperty("Content").GetString(), StringComparison.Ordinal);
        var block = await TestSupport.AwsCli.RunAsync(fixture.MotoEndpoint, "s3api", "get-public-access-block", "--bucket", "bastion-session-logs-sandbox");
        Assert.True(block.GetProperty("PublicAccessBlockConfiguration").GetProperty("RestrictPublicBuckets").GetBoolean());

        // The adopted bucket now denies requests without TLS; transcripts still open (the sandbox's moto applies that
        // statement as AWS does, only to requests it matches).
        await page.GetByTestId("nav-sessions").ClickAsync();
        await page.GetByTestId("session-link").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("transcript-view")).ToContainTextAsync("ssm-user@ip-10-0-1-23");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_OpensSessions_SeesTheSeededTranscripts()
    {
        var page = await fixture.SignedInAsync("carol");

        await page.GetByTestId("nav-sessions").ClickAsync();

        var links = page.GetByTestId("session-link");
        await Assertions.Expect(links).ToHaveCountAsync(38);
        await Assertions.Expect(page.GetByTestId("index-status")).ToContainTextAsync("38 sessions indexed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_FiltersSessionsByFlag_SeesOnlyFlaggedOnes()
    {
        var page = await fixture.SignedInAsync("carol");

        await page.GotoAsync("/sessions?flag=rm%20-rf");

        var rows = page.GetByTestId("sessions-grid").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("rm -rf");
        var count = await rows.CountAsync();
        Assert.InRange(count, 1, 35);
        for (var i = 0; i < count; i++)
        {
            await Assertions.Expect(rows.Nth(i)).ToContainTextAsync("rm -rf");
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_SearchesEverySession_OpensTheTranscriptAtTheMatchingRow()
    {
        var page = await fixture.SignedInAsync("carol");
        await page.GetByTestId("nav-search").ClickAsync();
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

        // Under load the circuit may attach to the search box after the first click: submit again until the search runs.
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByTestId("search-input").FillAsync("rm -rf /var/lib");
            await page.GetByTestId("search-submit").ClickAsync();
            try
            {
                await page.WaitForURLAsync("**/search?q=rm*", new() { Timeout = 10_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 4)
            {
            }
        }

        var hit = page.GetByTestId("search-line").First;
        await Assertions.Expect(hit.Locator("mark")).ToHaveTextAsync("rm -rf /var/lib");
        await Assertions.Expect(page.GetByTestId("search-summary")).ToContainTextAsync("sessions contain");
        var href = (await hit.GetAttributeAsync("href"))!;
        var row = int.Parse(href[(href.LastIndexOf("#L", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
        await page.SetViewportSizeAsync(1280, 300);
        await hit.ClickAsync();
        await page.WaitForURLAsync("**/sessions/*#L*");
        await page.WaitForFunctionAsync(TranscriptPane.RowIsVisible, row);
        await Assertions.Expect(page.Locator($"#L{row}")).ToContainTextAsync("rm -rf /var/lib");

        await page.GotoAsync("/search?q=rf");
        await Assertions.Expect(page.GetByTestId("search-scanned")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("search-hit").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_Dashboard_ChartsSessionsPerDayAndLinksFlaggedOnes()
    {
        var page = await fixture.SignedInAsync("carol");

        await Assertions.Expect(page.GetByTestId("sessions-per-day").Locator("svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("top-users").Locator("tr").First).ToBeVisibleAsync();
        var flagged = page.GetByTestId("flagged-sessions").Locator("a").First;
        await flagged.ClickAsync();
        await page.WaitForURLAsync("**/sessions/*-*");
        await Assertions.Expect(page.GetByTestId("transcript-view")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_OpensATranscript_ReadsSearchesAndDownloads()
    {
        var page = await fixture.SignedInAsync("carol");
        await page.GetByTestId("nav-sessions").ClickAsync();

        await page.GetByTestId("session-link").First.ClickAsync();

        await page.WaitForURLAsync("**/sessions/*-*");
        await Assertions.Expect(page.GetByTestId("transcript-view")).ToContainTextAsync("ssm-user@ip-10-0-1-23");
        await Assertions.Expect(page.GetByTestId("transcript-metadata")).ToContainTextAsync("sessionmanager/");
        await page.GetByTestId("transcript-search").FillAsync("exit");
        await Assertions.Expect(page.GetByTestId("transcript-hits")).ToContainTextAsync("match");
        var sessionId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Assertions.Expect(page.GetByTestId("transcript-commands")).ToContainTextAsync("exit");
        // A short viewport, so the transcript is taller than its pane and jumping to a row must scroll.
        await page.SetViewportSizeAsync(1280, 300);
        var lastCommand = page.GetByTestId("transcript-command").Last;
        var row = int.Parse((await lastCommand.TextContentAsync())!.Split(':')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await lastCommand.ClickAsync();
        await page.WaitForFunctionAsync(TranscriptPane.RowIsVisible, row);
        var linked = await page.Context.NewPageAsync();
        await linked.SetViewportSizeAsync(1280, 300);
        await linked.GotoAsync($"/sessions/{sessionId}#L{row}");
        await linked.WaitForFunctionAsync(TranscriptPane.RowIsVisible, row);
        var download = await page.Context.APIRequest.GetAsync($"/downloads/sessions/{sessionId}/text");
        Assert.Equal(200, download.Status);
        Assert.Contains("exit", await download.TextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Requester_OpensAuditByAddress_IsRefused()
    {
        var page = await fixture.SignedInAsync("dave");

        await page.GotoAsync("/audit");

        await page.WaitForURLAsync("**/access-denied*");
        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_AuditPage_ListsTheirSignIn()
    {
        var page = await fixture.SignedInAsync("carol");

        await page.GetByTestId("nav-audit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("audit-grid")).ToContainTextAsync("auth.sign-in");
        await Assertions.Expect(page.GetByTestId("audit-grid")).ToContainTextAsync("carol");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_IssuesToken_ShownOnceAndWorksOnTheApi()
    {
        var page = await fixture.SignedInAsync("alice");
        await page.GetByTestId("nav-tokens").ClickAsync();

        await page.GetByTestId("token-name").FillAsync("e2e-export");
        await page.GetByTestId("token-issue").ClickAsync();

        var token = (await page.GetByTestId("token-value").TextContentAsync())!.Trim();
        Assert.StartsWith("bpt_", token, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("token-list")).ToContainTextAsync("e2e-export");
        using var http = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var response = await http.GetAsync("/api/audit?action=token.issue");
        Assert.True(response.IsSuccessStatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("token-value")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

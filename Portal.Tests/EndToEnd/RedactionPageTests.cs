using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>Secrets on the transcript page in Chromium: masked for auditors, shown to an Admin who asks, on the record.</summary>
public sealed class RedactionPageTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    private const string Key = "AKIAIOSFODNN7EXAMPLE";

    [Fact]
    public async Task AnAuditorSeesItMasked_AnAdminRevealsIt_AndTheRevealIsAudited()
    {
        var sessionId = $"carol-{Guid.NewGuid():N}"[..23];
        await AwsCli.PutSandboxTranscriptAsync(fixture.MotoEndpoint, sessionId, $"Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat x\"]\n[ssm-user@ip-10-0-1-23 ~]$ export AWS_ACCESS_KEY_ID={Key}\r\r\n[ssm-user@ip-10-0-1-23 ~]$ exit\r\r\n\nScript done on 2026-11-30 10:01:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");

        var carol = await fixture.SignedInAsync("carol");
        await carol.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(carol.Locator("#L1")).ToContainTextAsync("AWS_ACCESS_KEY_ID=••••••••••••••••••••");
        await Assertions.Expect(carol.GetByTestId("transcript-view")).Not.ToContainTextAsync(Key);
        await Assertions.Expect(carol.GetByTestId("transcript-commands")).Not.ToContainTextAsync(Key);
        await Assertions.Expect(carol.GetByTestId("transcript-reveal")).ToHaveCountAsync(0); // not an Admin
        await carol.Context.CloseAsync();

        var alice = await fixture.SignedInAsync("alice");
        await alice.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(alice.GetByTestId("transcript-complete")).ToBeAttachedAsync(new() { Timeout = 30_000 });
        await alice.GetByTestId("transcript-reveal").ClickAsync();
        await Assertions.Expect(alice.Locator("#L1")).ToContainTextAsync(Key);
        await Assertions.Expect(alice.GetByTestId("transcript-revealed")).ToBeVisibleAsync();
        await alice.Context.CloseAsync();

        using var api = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sandbox-alice");
        using var audit = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/audit?action=session.reveal&target={sessionId}"));
        var entry = Assert.Single(audit.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("alice", entry.GetProperty("actor").GetString());
    }
}

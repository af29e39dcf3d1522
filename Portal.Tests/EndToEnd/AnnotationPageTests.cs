using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>Annotations in Chromium and through the API: made on the page, shown on the timeline, found, in the evidence bundle.</summary>
public sealed class AnnotationPageTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    [Fact]
    public async Task AnAuditorBookmarksALine_TagsAndComments_AndItIsFoundAuditedAndBundled()
    {
        var sessionId = $"carol-{Guid.NewGuid():N}"[..23];
        await AwsCli.PutSandboxTranscriptAsync(fixture.MotoEndpoint, sessionId, "Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"bash\"]\n[ssm-user@ip-10-0-1-23 ~]$ sudo systemctl restart nginx\r\r\n[ssm-user@ip-10-0-1-23 ~]$ exit\r\r\n\nScript done on 2026-11-30 10:01:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");

        var carol = await fixture.SignedInAsync("carol");
        await carol.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(carol.GetByTestId("transcript-complete")).ToBeAttachedAsync(new() { Timeout = 30_000 });

        // A click on a line's number: bookmark it with a label.
        await carol.Locator("#L1 .term-no").ClickAsync();
        await Assertions.Expect(carol.GetByTestId("annotate-quote")).ToContainTextAsync("sudo systemctl restart nginx");
        await carol.GetByTestId("annotate-text").FillAsync("nginx restarted here");
        await carol.GetByTestId("annotate-save").ClickAsync();
        await Assertions.Expect(carol.GetByTestId("annotation-note")).ToContainTextAsync("nginx restarted here");
        await Assertions.Expect(carol.Locator("#L1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("annotated"));
        await Assertions.Expect(carol.Locator(".timeline-bin.annotated")).ToHaveCountAsync(1);

        // A tag, typed and entered; a comment on the whole session.
        await carol.GetByTestId("annotation-tag-input").FillAsync("change-1234");
        await carol.GetByTestId("annotation-tag-input").PressAsync("Enter");
        await Assertions.Expect(carol.GetByTestId("annotation-tag")).ToHaveTextAsync("change-1234");
        await carol.GetByTestId("annotation-comment").ClickAsync();
        await carol.GetByTestId("annotate-text").FillAsync("Planned change, approved in CAB.");
        await carol.GetByTestId("annotate-save").ClickAsync();
        await Assertions.Expect(carol.GetByTestId("annotation-note")).ToHaveCountAsync(2);

        // A bad tag says why and keeps what was typed.
        await carol.GetByTestId("annotation-tag-input").FillAsync("two words");
        await carol.GetByTestId("annotation-tag-input").PressAsync("Enter");
        await Assertions.Expect(carol.GetByTestId("annotation-error")).ToContainTextAsync("without spaces");
        await Assertions.Expect(carol.GetByTestId("annotation-tag-input")).ToHaveValueAsync("two words");

        // The search page finds the annotation, and its link lands on the line.
        await carol.GotoAsync("/search?q=nginx%20restarted");
        var found = carol.GetByTestId("search-annotation");
        await Assertions.Expect(found).ToContainTextAsync(sessionId);
        await found.Locator("a").ClickAsync();
        await Assertions.Expect(carol).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#line-1$"));
        await Assertions.Expect(carol.GetByTestId("annotation-note")).ToHaveCountAsync(2);
        await carol.Context.CloseAsync();

        using var api = Api("sandbox-carol");
        var listed = await api.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/annotations");
        Assert.Equal(["tag", "comment", "bookmark"], listed.EnumerateArray().Select(a => a.GetProperty("kind").GetString()));
        using var bundle = new ZipArchive(await api.GetStreamAsync($"/api/sessions/{sessionId}/evidence"));
        await using (var json = await bundle.GetEntry("annotations.json")!.OpenAsync())
        {
            var bundled = await JsonDocument.ParseAsync(json);
            Assert.Equal(3, bundled.RootElement.GetArrayLength());
            Assert.Contains(bundled.RootElement.EnumerateArray(), a => a.GetProperty("line").ValueKind == JsonValueKind.Number && a.GetProperty("line").GetInt32() == 1);
        }

        // Through the API: Approvers may not annotate; an Admin removes Carol's tag, which stays in the audit trail.
        using var bob = Api("sandbox-bob");
        using var refused = await bob.PostAsJsonAsync($"/api/sessions/{sessionId}/annotations", new { kind = "tag", text = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var alice = Api("sandbox-alice");
        using var bad = await alice.PostAsJsonAsync($"/api/sessions/{sessionId}/annotations", new { kind = "bookmark", text = "where?" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("say which", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tagId = listed.EnumerateArray().First().GetProperty("id").GetInt64();
        using var removed = await alice.DeleteAsync($"/api/sessions/{sessionId}/annotations/{tagId}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var audit = await alice.GetFromJsonAsync<JsonElement>($"/api/audit?action=session.annotat&target={sessionId}");
        Assert.Equal(["alice", "carol", "carol", "carol"], audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("actor").GetString()));
    }

    private HttpClient Api(string token)
    {
        var client = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

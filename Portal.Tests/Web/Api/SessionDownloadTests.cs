using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>Transcript downloads through the real pipeline, against the seeded sandbox bucket in moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class SessionDownloadTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task Downloads_AsAuditor_RawTextAndHtml_AreAudited()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var sessionId = await FirstSessionIdAsync(carol);

        var raw = await carol.GetStringAsync($"/api/sessions/{sessionId}/raw");
        var text = await carol.GetStringAsync($"/api/sessions/{sessionId}/text?columns=120");
        using var html = await carol.GetAsync($"/api/sessions/{sessionId}/html");
        var audit = await carol.GetFromJsonAsync<JsonElement>($"/api/audit?action=session.download&target={sessionId}");

        Assert.StartsWith("Script started on ", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Script started on", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
        Assert.Contains("exit", text, StringComparison.Ordinal);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Content-Security-Policy", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, audit.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Secrets_AreMaskedInTextAndHtml_RawStaysByteForByte_AndOnlyAnAdminRevealsThem_Audited()
    {
        const string Key = "AKIAIOSFODNN7EXAMPLE";
        const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        var sessionId = $"carol-{Guid.NewGuid():N}"[..23];
        var transcript = $"Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat x\"]\n$ export AWS_ACCESS_KEY_ID={Key}\r\r\n$ export AWS_SECRET_ACCESS_KEY={Secret}\r\r\n$ exit\r\r\n\nScript done on 2026-11-30 10:01:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n";
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var alice = _portal.CreateBearerClient("sandbox-alice");
        _ = await carol.GetAsync("/healthz"); // the sandbox makes its bucket at startup
        await AwsCli.PutSandboxTranscriptAsync(moto.Endpoint, sessionId, transcript);

        var text = await carol.GetStringAsync($"/api/sessions/{sessionId}/text");
        var html = await carol.GetStringAsync($"/api/sessions/{sessionId}/html");
        var raw = await carol.GetStringAsync($"/api/sessions/{sessionId}/raw");
        using var refused = await carol.GetAsync($"/api/sessions/{sessionId}/text?reveal=true");
        var revealed = await alice.GetStringAsync($"/api/sessions/{sessionId}/text?reveal=true");
        var reveals = await alice.GetFromJsonAsync<JsonElement>($"/api/audit?action=session.reveal&target={sessionId}");

        Assert.Contains("$ export AWS_ACCESS_KEY_ID=••••••••••••••••••••", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, html, StringComparison.Ordinal);
        Assert.Contains("masked", html, StringComparison.Ordinal);
        Assert.Contains(Key, raw, StringComparison.Ordinal);
        Assert.Contains(Secret, raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(Secret, revealed, StringComparison.Ordinal);
        var entry = Assert.Single(reveals.GetProperty("items").EnumerateArray());
        Assert.Equal("alice", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Downloads_AsRequester_Are403()
    {
        using var dave = _portal.CreateBearerClient("sandbox-dave");

        using var response = await dave.GetAsync("/api/sessions/alice-0123456789abcdef0/raw");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("alice-00000000000000000", HttpStatusCode.NotFound)]
    [InlineData("..%2F..%2Fsecret", HttpStatusCode.BadRequest)]
    [InlineData("a%20b", HttpStatusCode.BadRequest)]
    public async Task Downloads_MissingOrInvalidId_AnswerProblemDetails(string sessionId, HttpStatusCode status)
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");

        using var response = await carol.GetAsync($"/api/sessions/{sessionId}/text");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Downloads_BadWidth_Is400()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var sessionId = await FirstSessionIdAsync(carol);

        using var response = await carol.GetAsync($"/api/sessions/{sessionId}/text?columns=5");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<string> FirstSessionIdAsync(HttpClient client)
    {
        // The sandbox seeds the bucket at startup; read a key the way an auditor's tool would.
        _ = await client.GetAsync("/healthz");
        var objects = await AwsCli.RunAsync(moto.Endpoint, "s3api", "list-objects-v2", "--bucket", "bastion-session-logs-sandbox", "--prefix", "sessionmanager/");
        var key = objects.GetProperty("Contents")[0].GetProperty("Key").GetString()!;
        return key["sessionmanager/".Length..^".log".Length];
    }


    public void Dispose() => _portal.Dispose();
}

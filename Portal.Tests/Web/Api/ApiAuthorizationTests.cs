using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>The API's sign-in and role rules, through the real pipeline.</summary>
[Collection(MotoGroup.Name)]
public sealed class ApiAuthorizationTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task GetAudit_WithoutToken_Is401ProblemDetails()
    {
        using var client = _portal.CreateClient();

        using var response = await client.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task GetAudit_AsRequester_Is403()
    {
        using var client = _portal.CreateBearerClient("sandbox-dave");

        using var response = await client.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("sandbox-carol")]
    [InlineData("sandbox-alice")]
    public async Task GetAudit_AsAuditorOrAdmin_Is200WithCamelCasePage(string token)
    {
        using var client = _portal.CreateBearerClient(token);

        using var response = await client.GetAsync("/api/audit?take=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(page.TryGetProperty("items", out _));
        Assert.True(page.TryGetProperty("totalCount", out _));
    }

    [Fact]
    public async Task SandboxTokens_FollowTheSandboxSignIn_AndAreRefusedWhenItIsOff()
    {
        using var closed = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?> { ["Portal:Auth:SandboxSignIn"] = "false" });
        using var client = closed.CreateBearerClient("sandbox-carol");

        using var response = await client.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetAudit_UnknownSandboxPerson_Is401AndAudited()
    {
        using var client = _portal.CreateBearerClient("sandbox-mallory");
        using var auditor = _portal.CreateBearerClient("sandbox-carol");

        using var response = await client.GetAsync("/api/audit");
        var denied = await auditor.GetFromJsonAsync<JsonElement>("/api/audit?action=auth.api-token&outcome=Denied");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(denied.GetProperty("totalCount").GetInt32() >= 1);
        Assert.DoesNotContain("sandbox-mallory", denied.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outcome=Maybe", "outcome")]
    [InlineData("take=0", "take")]
    [InlineData("take=501", "take")]
    [InlineData("skip=-1", "skip")]
    [InlineData("from=2026-02-01&to=2026-01-01", "from")]
    public async Task GetAudit_BadQuery_Is400NamingTheField(string query, string field)
    {
        using var client = _portal.CreateBearerClient("sandbox-carol");

        using var response = await client.GetAsync($"/api/audit?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Tokens_IssuedByAdmin_ActWithTheirRoleUntilRevoked()
    {
        using var admin = _portal.CreateBearerClient("sandbox-alice");

        using var issue = await admin.PostAsJsonAsync("/api/tokens", new { name = "ci-admin", role = "Admin", expiresInDays = 1 });
        var issued = await issue.Content.ReadFromJsonAsync<JsonElement>();
        var token = issued.GetProperty("token").GetString()!;
        var id = issued.GetProperty("info").GetProperty("id").GetString();
        using var automation = _portal.CreateBearerClient(token);
        var asAdmin = await automation.GetAsync("/api/tokens");
        using var asApprover = await automation.PostAsJsonAsync("/api/access/grants", new { principalType = "user", principalName = "dave", targetInstanceId = "i-0", durationMinutes = 30, reason = "x" });
        using var revoke = await admin.PostAsync($"/api/tokens/{id}/revoke", null);
        var afterRevoke = await automation.GetAsync("/api/tokens");

        Assert.Equal(HttpStatusCode.Created, issue.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asApprover.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Approver")]
    [InlineData("Auditor")]
    public async Task PostToken_WithARoleTheAdminDoesNotHold_Is400AndIssuesNothing(string role)
    {
        using var admin = _portal.CreateBearerClient("sandbox-alice");

        using var response = await admin.PostAsJsonAsync("/api/tokens", new { name = $"take-{role}", role, expiresInDays = 1 });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("only with a role you hold (Admin)", problem.GetProperty("errors").GetProperty("role")[0].GetString(), StringComparison.Ordinal);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.DoesNotContain($"take-{role}", listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostToken_InvalidBody_Is400AndIssuesNothing()
    {
        using var admin = _portal.CreateBearerClient("sandbox-alice");
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja"); // the problems stay English whatever the caller speaks

        using var response = await admin.PostAsJsonAsync("/api/tokens", new { name = "bad name!", role = "Root", expiresInDays = 0 });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("role", out _));
        Assert.Equal("A token lives 1 to 365 days.", errors.GetProperty("expiresInDays")[0].GetString());
        Assert.StartsWith("Use 1 to 64 letters", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.DoesNotContain("bad name!", listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_DatabaseAndAws_Healthy()
    {
        using var client = _portal.CreateClient();

        var body = await client.GetStringAsync("/healthz");

        Assert.Equal("Healthy", body);
    }

    [Fact]
    public async Task Me_ReturnsRolesAndIamUser()
    {
        using var client = _portal.CreateBearerClient("sandbox-erin");

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal("erin", me.GetProperty("name").GetString());
        Assert.Equal("erin", me.GetProperty("iamUser").GetString());
        Assert.Equal(["Approver", "Requester"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Order());
    }


    public void Dispose() => _portal.Dispose();
}

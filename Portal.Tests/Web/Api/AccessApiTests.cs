using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>Access requests and grants over HTTP as automation calls them, against the sandbox on moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class AccessApiTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task Request_ApprovedByBob_IsActiveInIam_ThenRevoked()
    {
        using var dave = _portal.CreateBearerClient("sandbox-dave");
        using var bob = _portal.CreateBearerClient("sandbox-bob");
        var bastion = (await dave.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();

        using var created = await dave.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = bastion, durationMinutes = 90, reason = "Rotate logs", ticket = "OPS-1" });
        var request = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = request.GetProperty("id").GetInt64();
        var queue = await bob.GetFromJsonAsync<JsonElement>("/api/access/requests?state=pending");
        using var approved = await bob.PostAsJsonAsync($"/api/access/requests/{id}/approve", new { comment = "go ahead" });
        var decided = await approved.Content.ReadFromJsonAsync<JsonElement>();
        var grants = await dave.GetFromJsonAsync<JsonElement>("/api/access/grants");
        var grantId = decided.GetProperty("grantId").GetInt64();
        var policy = await AwsCli.RunAsync(moto.Endpoint, "iam", "get-user-policy", "--user-name", "dave", "--policy-name", $"portal-grant-{grantId}");
        using var revoked = await bob.PostAsync($"/api/access/grants/{grantId}/revoke", null); // the comment is optional, and so is the body
        var ended = await revoked.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/access/requests/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("pending", "dave"), (request.GetProperty("state").GetString(), request.GetProperty("requester").GetString()));
        Assert.Contains(queue.EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("approved", decided.GetProperty("state").GetString());
        var grant = grants.EnumerateArray().Single(g => g.GetProperty("id").GetInt64() == grantId);
        Assert.Equal(("active", "user/dave", bastion), (grant.GetProperty("state").GetString(), grant.GetProperty("principal").GetString(), grant.GetProperty("targetInstanceId").GetString()));
        Assert.True(grant.TryGetProperty("expiresAt", out _));
        Assert.Equal($"aws ssm start-session --target {bastion} --document-name SSM-SessionManagerRunShell --region ap-northeast-1", grant.GetProperty("connectCommand").GetString());
        Assert.Contains(bastion, policy.GetProperty("PolicyDocument").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", ended.GetProperty("state").GetString());
        Assert.Contains("no live sessions to end", ended.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_AreProblemDetails_WithTheirStatus()
    {
        using var erin = _portal.CreateBearerClient("sandbox-erin");
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var bob = _portal.CreateBearerClient("sandbox-bob");
        var bastion = (await erin.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();
        using var created = await erin.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = bastion, durationMinutes = 30, reason = "Disk check" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var own = await erin.PostAsJsonAsync($"/api/access/requests/{id}/approve", new { });
        using var bad = await erin.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = "i-0000000000000dead", durationMinutes = 100000 });
        using var auditor = await carol.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = bastion, durationMinutes = 30, reason = "x" });
        using var requesterApproves = await _portal.CreateBearerClient("sandbox-dave").PostAsJsonAsync($"/api/access/requests/{id}/deny", new { });
        using var missing = await bob.PostAsJsonAsync("/api/access/requests/999999/approve", new { });
        using var othersCancel = await _portal.CreateBearerClient("sandbox-dave").PostAsync($"/api/access/requests/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Conflict, own.StatusCode);
        Assert.Contains("own request", (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["durationMinutes", "reason", "targetInstanceId"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, auditor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, requesterApproves.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, othersCancel.StatusCode);
        Assert.Equal("application/problem+json", othersCancel.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LiveSessions_AuditorsRead_ApproversEndWithAReason_RequestersNeither()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var bob = _portal.CreateBearerClient("sandbox-bob");
        using var dave = _portal.CreateBearerClient("sandbox-dave");
        var bastion = (await bob.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();
        var session = await SessionManagerUsers.StartSessionAsync(moto.Endpoint, "erin", bastion); // under her seeded on-call grant

        var listed = await carol.GetFromJsonAsync<JsonElement>("/api/access/sessions");
        using var asRequester = await dave.GetAsync("/api/access/sessions");
        using var auditorEnds = await carol.PostAsJsonAsync($"/api/access/sessions/{session}/terminate", new { reason = "x" });
        using var noReason = await bob.PostAsJsonAsync($"/api/access/sessions/{session}/terminate", new { });
        using var unknown = await bob.PostAsJsonAsync("/api/access/sessions/erin-0000000000000000f/terminate", new { reason = "x" });
        using var ended = await bob.PostAsJsonAsync($"/api/access/sessions/{session}/terminate", new { reason = "Shift over" });
        var active = await AwsCli.RunAsync(moto.Endpoint, "ssm", "describe-sessions", "--state", "Active");

        var item = listed.EnumerateArray().Single(s => s.GetProperty("sessionId").GetString() == session);
        Assert.Equal(("arn:aws:iam::123456789012:user/erin", "erin", bastion, "SSM-SessionManagerRunShell", "Connected"), (item.GetProperty("owner").GetString(), item.GetProperty("iamUser").GetString(), item.GetProperty("target").GetString(), item.GetProperty("documentName").GetString(), item.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Number, item.GetProperty("grantId").ValueKind);
        Assert.True(item.TryGetProperty("startedAt", out _));
        Assert.Equal(HttpStatusCode.Forbidden, asRequester.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, auditorEnds.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        Assert.DoesNotContain(session, active.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectGrant_ToOneself_Is409_AndToAGroup_Is400()
    {
        using var erin = _portal.CreateBearerClient("sandbox-erin");
        var bastion = (await erin.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();
        var before = await AwsCli.RunAsync(moto.Endpoint, "iam", "list-user-policies", "--user-name", "erin"); // her seeded on-call grant

        using var self = await erin.PostAsJsonAsync("/api/access/grants", new { principalType = "user", principalName = "erin", targetInstanceId = bastion, durationMinutes = 60, reason = "I need it" });
        using var group = await erin.PostAsJsonAsync("/api/access/grants", new { principalType = "group", principalName = "operators", targetInstanceId = bastion, durationMinutes = 60, reason = "We need it" });
        var policies = await AwsCli.RunAsync(moto.Endpoint, "iam", "list-user-policies", "--user-name", "erin");

        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("your own IAM user", (await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, group.StatusCode);
        Assert.Contains("a group cannot carry a permissions boundary", (await group.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("principalType")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before.GetRawText(), policies.GetRawText());
    }

    [Fact]
    public async Task BreakGlass_WhereEnabled_ErinApprovesHerOwn_BobAcknowledges()
    {
        using var portal = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?> { ["Portal:Access:BreakGlass:Enabled"] = "true" });
        using var erin = portal.CreateBearerClient("sandbox-erin");
        using var bob = portal.CreateBearerClient("sandbox-bob");
        using var dave = portal.CreateBearerClient("sandbox-dave");
        var bastion = (await erin.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();
        using var created = await erin.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = bastion, durationMinutes = 240, reason = "Outage" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var notErins = await dave.PostAsJsonAsync($"/api/access/requests/{id}/break-glass", new { reason = "x" });
        using var noReason = await erin.PostAsJsonAsync($"/api/access/requests/{id}/break-glass", new { });
        using var broken = await erin.PostAsJsonAsync($"/api/access/requests/{id}/break-glass", new { reason = "The site is down and nobody answers" });
        var request = await broken.Content.ReadFromJsonAsync<JsonElement>();
        var grantId = request.GetProperty("grantId").GetInt64();
        using var selfAck = await erin.PostAsJsonAsync($"/api/access/grants/{grantId}/acknowledge", new { });
        using var ack = await bob.PostAsJsonAsync($"/api/access/grants/{grantId}/acknowledge", new { comment = "Checked with the on-call lead" });
        var grant = await ack.Content.ReadFromJsonAsync<JsonElement>();
        await erin.PostAsync($"/api/access/grants/{grantId}/revoke", null); // leaves erin's IAM user as it was for the other tests

        Assert.Equal(HttpStatusCode.Forbidden, notErins.StatusCode); // dave is no Approver
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, broken.StatusCode);
        Assert.True(request.GetProperty("breakGlass").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, selfAck.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(("bob", true), (grant.GetProperty("reviewedBy").GetString(), grant.GetProperty("breakGlass").GetBoolean()));
        var expires = grant.GetProperty("expiresAt").GetDateTimeOffset() - grant.GetProperty("startsAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromMinutes(61), expires);
    }

    [Fact]
    public async Task Findings_AreForApproversAndAdmins()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var dave = _portal.CreateBearerClient("sandbox-dave");
        using var alice = _portal.CreateBearerClient("sandbox-alice");

        using var auditor = await carol.GetAsync("/api/access/findings");
        using var requester = await dave.GetAsync("/api/access/findings");
        var report = await FirstReportAsync(alice); // the first comparison runs as the portal starts

        Assert.Equal(HttpStatusCode.Forbidden, auditor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, requester.StatusCode);
        Assert.Equal(JsonValueKind.Array, report.GetProperty("items").ValueKind);
        Assert.True(report.TryGetProperty("checkedAt", out _));
    }

    private static async Task<JsonElement> FirstReportAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            using var response = await client.GetAsync("/api/access/findings");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            await Task.Delay(500);
        }

        throw new TimeoutException("No findings report within 30 s of startup.");
    }

    public void Dispose() => _portal.Dispose();
}

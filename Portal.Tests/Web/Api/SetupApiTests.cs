using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>The setup engine over HTTP, as automation calls it, against moto.</summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupApiTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Apply_AsAdmin_ReportsEachStep_SavesTheSettings_AndIsAudited()
    {
        using var alice = _portal.CreateBearerClient("sandbox-alice");
        var body = await BodyAsync();

        using var export = await alice.PostAsJsonAsync("/api/setup/export", body);
        var script = await export.Content.ReadAsStringAsync();
        using var stack = await alice.PostAsJsonAsync("/api/setup/export?format=cloudformation", body);
        var template = await stack.Content.ReadFromJsonAsync<JsonElement>();
        using var unknown = await alice.PostAsJsonAsync("/api/setup/export?format=terraform", body);
        using var first = await alice.PostAsJsonAsync("/api/setup/apply", body);
        var applied = await first.Content.ReadFromJsonAsync<JsonElement>();
        using var streamed = new HttpRequestMessage(HttpMethod.Post, "/api/setup/apply") { Content = JsonContent.Create(body) };
        streamed.Headers.Accept.ParseAdd("application/x-ndjson");
        using var second = await alice.SendAsync(streamed);
        var lines = (await second.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var again = lines[^1].GetProperty("result");
        var user = (await AwsCli.RunAsync(moto.Endpoint, "iam", "get-user", "--user-name", (string)((string[])body["bastionUsers"])[0])).GetProperty("User");
        using var verify = await alice.PostAsync("/api/setup/verify", null);
        var state = await alice.GetFromJsonAsync<JsonElement>("/api/setup");
        var audit = await alice.GetFromJsonAsync<JsonElement>("/api/audit?action=setup.apply");

        Assert.Equal("text/x-shellscript", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"aws s3api create-bucket --bucket {body["bucketName"]}", script, StringComparison.Ordinal);
        Assert.Contains("cat > trust-policy.json <<'PORTAL_DOCUMENT'", script, StringComparison.Ordinal);
        Assert.Equal("application/json", stack.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body["bucketName"], template.GetProperty("Resources").GetProperty("LogBucket").GetProperty("Properties").GetProperty("BucketName").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var steps = applied.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["logBucket", "bastionRole", "preferences", "notifications", "endUserPolicy", "boundary", "digestKey"], steps.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("application/x-ndjson", second.Content.Headers.ContentType?.MediaType);
        var progress = lines[..^1].Select(l => l.GetProperty("progress")).ToList();
        Assert.Equal(steps.Select(s => s.GetProperty("name").GetString()), progress.Where(p => p.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String).Select(p => p.GetProperty("step").GetString()));
        Assert.All(progress, p => Assert.Equal("Nothing to change.", p.GetProperty("message").GetString()));
        Assert.Equal($"arn:aws:iam::123456789012:policy/{body["boundaryPolicyName"]}", user.GetProperty("PermissionsBoundary").GetProperty("PermissionsBoundaryArn").GetString());
        Assert.All(steps, s => Assert.Contains(s.GetProperty("outcome").GetString(), new[] { "created", "updated" }));
        Assert.All(again.GetProperty("steps").EnumerateArray(), s => Assert.Equal("unchanged", s.GetProperty("outcome").GetString()));
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.True(state.GetProperty("configured").GetBoolean());
        Assert.Equal("complete", state.GetProperty("status").GetString());
        Assert.Equal(body["bucketName"], state.GetProperty("settings").GetProperty("bucketName").GetString());
        Assert.True(audit.GetProperty("totalCount").GetInt32() >= 2);
    }

    [Fact]
    public async Task Plan_WithBadOrMissingSettings_Is400NamingEach()
    {
        using var alice = _portal.CreateBearerClient("sandbox-alice");

        using var missing = await alice.PostAsJsonAsync("/api/setup/plan", new { bucketName = "session-logs" });
        using var bad = await alice.PostAsJsonAsync("/api/setup/plan", new { bastionInstanceIds = new[] { "i-nope" }, bucketName = "Bad_Name", topicName = "t", notificationEmails = new[] { "nobody" }, bastionUsers = new[] { "no/slash" } });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var missingErrors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["bastionInstanceIds", "notificationEmails"], missingErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badErrors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["bastionInstanceIds", "bastionUsers", "bucketName", "notificationEmails"], badErrors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        using var duration = await alice.PostAsJsonAsync("/api/setup/plan", new { bastionInstanceIds = new[] { "i-0123456789abcdef0" }, bucketName = "session-logs", topicName = "t", notificationEmails = new[] { "ops@example.com" }, maxSessionDurationMinutes = 1045 });
        Assert.Equal(HttpStatusCode.BadRequest, duration.StatusCode);
        Assert.Equal(["maxSessionDurationMinutes"], (await duration.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("sandbox-carol", HttpStatusCode.Forbidden)]
    [InlineData("sandbox-bob", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Endpoints_ForAnyoneButAdmins_AreRefused(string? token, HttpStatusCode status)
    {
        using var client = token is null ? _portal.CreateClient() : _portal.CreateBearerClient(token);

        using var get = await client.GetAsync("/api/setup");
        using var apply = await client.PostAsJsonAsync("/api/setup/apply", new { bucketName = "x" });

        Assert.Equal(status, get.StatusCode);
        Assert.Equal(status, apply.StatusCode);
    }

    public void Dispose() => _portal.Dispose();

    private async Task<Dictionary<string, object>> BodyAsync()
    {
        var image = (await AwsCli.RunAsync(moto.Endpoint, "ec2", "describe-images", "--owners", "amazon")).GetProperty("Images")[0].GetProperty("ImageId").GetString()!;
        var instance = (await AwsCli.RunAsync(moto.Endpoint, "ec2", "run-instances", "--image-id", image, "--count", "1", "--instance-type", "t3.micro")).GetProperty("Instances")[0].GetProperty("InstanceId").GetString()!;
        var ops = $"api-ops-{_suffix}";
        await AwsCli.RunAsync(moto.Endpoint, "iam", "create-user", "--user-name", ops);
        return new Dictionary<string, object>
        {
            ["bastionInstanceIds"] = new[] { instance },
            ["bastionUsers"] = new[] { ops },
            ["boundaryPolicyName"] = $"api-boundary-{_suffix}",
            ["bucketName"] = $"api-logs-{_suffix}",
            ["topicName"] = $"api-logins-{_suffix}",
            ["notificationEmails"] = new[] { "ops@example.com" },
            ["roleName"] = $"api-bastion-{_suffix}",
            ["instanceProfileName"] = $"api-bastion-{_suffix}",
            ["loggingPolicyName"] = $"api-logging-{_suffix}",
            ["endUserPolicyName"] = $"api-users-{_suffix}",
            ["ruleName"] = $"api-logins-{_suffix}",
        };
    }
}

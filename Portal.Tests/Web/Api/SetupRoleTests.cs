using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>
/// With <c>Portal:Setup:RoleArn</c>, the wizard works as the setup role, assumed with the portal's credentials, while
/// everything else (and the principal the digest key lets sign) stays the portal's own.
/// </summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupRoleTests(MotoServerFixture moto) : IAsyncLifetime
{
    private readonly string _role = $"BastionPortalSetup-{Guid.NewGuid().ToString("N")[..8]}";
    private PortalWebFactory _portal = default!;

    public async Task InitializeAsync()
    {
        var trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}""";
        var arn = (await AwsCli.RunAsync(moto.Endpoint, "iam", "create-role", "--role-name", _role, "--assume-role-policy-document", trust)).GetProperty("Role").GetProperty("Arn").GetString();
        _portal = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?> { ["Portal:Setup:RoleArn"] = arn });
    }

    [Fact]
    public async Task Wizard_RunsAsTheSetupRole_TheRestAsThePortal()
    {
        using var alice = _portal.CreateBearerClient("sandbox-alice");
        var instance = (await alice.GetFromJsonAsync<string[]>("/api/access/bastions"))!.First();

        var wizard = await _portal.Services.GetRequiredService<ISetupEngine>().Environment.GetCallerIdentityAsync();
        var portal = await _portal.Services.GetRequiredService<IAwsEnvironment>().GetCallerIdentityAsync();
        using var plan = await alice.PostAsJsonAsync("/api/setup/plan", new { bastionInstanceIds = new[] { instance }, bucketName = "bastion-session-logs-sandbox", notificationEmails = new[] { "ops@example.com" } });
        var steps = (await plan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("steps").EnumerateArray().ToList();

        Assert.Equal($"arn:aws:sts::123456789012:assumed-role/{_role}/{SetupRoleCredentials.SessionName}", wizard.Arn);
        Assert.DoesNotContain("assumed-role", portal.Arn, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.All(steps, s => Assert.False(s.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String, s.GetRawText()));
        var keyPolicy = steps.Single(s => s.GetProperty("name").GetString() == "digestKey").GetProperty("documents").EnumerateObject().Single(d => d.Name.Contains("policy", StringComparison.Ordinal)).Value.GetString()!;
        Assert.Contains(portal.Arn, keyPolicy, StringComparison.Ordinal); // only the portal signs, not the role that set the key up
        Assert.DoesNotContain(_role, keyPolicy, StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        _portal.Dispose();
        return Task.CompletedTask;
    }
}

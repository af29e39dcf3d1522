using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>Coverage over HTTP with a short grace period, against a session really ended in the sandbox's moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class CoverageApiTests(MotoServerFixture moto)
{
    [Fact]
    public async Task ASessionEndedWithoutATranscript_IsMissing_OnceTheGracePeriodHasPassed()
    {
        using var portal = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?> { ["Portal:Sessions:Coverage:GracePeriod"] = "00:00:10" });
        using var carol = portal.CreateBearerClient("sandbox-carol");
        using var bob = portal.CreateBearerClient("sandbox-bob");
        var bastion = (await bob.GetFromJsonAsync<string[]>("/api/access/bastions"))!.Single();
        var session = await SessionManagerUsers.StartSessionAsync(moto.Endpoint, "erin", bastion); // under her seeded on-call grant
        await AwsCli.RunAsync(moto.Endpoint, "ssm", "terminate-session", "--session-id", session); // and no transcript ever comes

        string? StateOf(JsonElement report) =>
            report.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("sessionId").GetString() == session).Select(i => i.GetProperty("state").GetString()).SingleOrDefault();
        var within = await carol.GetFromJsonAsync<JsonElement>("/api/sessions/coverage?days=30");
        await Task.Delay(TimeSpan.FromSeconds(11)); // the shortest grace period allowed is 10 s
        var after = await carol.GetFromJsonAsync<JsonElement>("/api/sessions/coverage?days=29"); // another window: a report is reused for a minute

        Assert.Null(StateOf(within)); // the agent may still be uploading
        Assert.Equal("missing", StateOf(after));
    }
}

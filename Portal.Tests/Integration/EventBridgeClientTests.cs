using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws;
using Portal.Core.Aws.EventBridge;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

[Collection(MotoGroup.Name)]
public sealed class EventBridgeClientTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = AwsClients.For(moto);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private IEventBridgeClient Events => _services.GetRequiredService<IEventBridgeClient>();

    [Fact]
    public async Task Rule_PutDescribeTargets_RoundTrip()
    {
        var rule = $"session-logins-{_suffix}";
        var pattern = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["source"] = new[] { "aws.ssm" },
            ["detail-type"] = new[] { "AWS API Call via CloudTrail" },
            ["detail"] = new Dictionary<string, object> { ["eventName"] = new[] { "StartSession", "ResumeSession", "TerminateSession" } },
        });
        var transformer = new EventInputTransformer(
            new Dictionary<string, string> { ["user"] = "$.detail.userIdentity.arn", ["target"] = "$.detail.requestParameters.target" },
            "\"<user> started a session on <target>\"");

        var arn = await Events.PutRuleAsync(rule, pattern, "Mail every bastion login");
        await Events.PutTargetsAsync(rule, [new EventTarget("sns", $"arn:aws:sns:{MotoServerFixture.Region}:123456789012:logins", transformer)]);

        Assert.EndsWith("rule/" + rule, arn, StringComparison.Ordinal);
        var described = await Events.DescribeRuleAsync(rule);
        Assert.NotNull(described);
        Assert.Equal("ENABLED", described.State);
        using (var stored = JsonDocument.Parse(described.EventPattern!))
        {
            Assert.Equal("StartSession", stored.RootElement.GetProperty("detail").GetProperty("eventName")[0].GetString());
        }

        var targets = await Events.ListTargetsByRuleAsync(rule);
        var target = Assert.Single(targets);
        Assert.Equal("sns", target.Id);
        Assert.Equal("$.detail.userIdentity.arn", target.InputTransformer!.InputPathsMap["user"]);
        var cli = await AwsCli.RunAsync(moto.Endpoint, "events", "list-targets-by-rule", "--rule", rule);
        Assert.Equal("sns", cli.GetProperty("Targets")[0].GetProperty("Id").GetString());
    }

    [Fact]
    public async Task DescribeRule_WhenMissing_ReturnsNull() =>
        Assert.Null(await Events.DescribeRuleAsync($"missing-{_suffix}"));

    [Fact]
    public async Task PutRule_InvalidPattern_ThrowsWithAwsErrorCode()
    {
        var error = await Assert.ThrowsAsync<AwsApiException>(() => Events.PutRuleAsync($"bad-{_suffix}", "not json"));

        Assert.Equal("events", error.Service);
        Assert.Equal("PutRule", error.Operation);
        Assert.False(string.IsNullOrEmpty(error.ErrorCode));
    }

    public void Dispose() => _services.Dispose();
}

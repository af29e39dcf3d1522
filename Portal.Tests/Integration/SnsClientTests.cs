using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws.Sns;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

[Collection(MotoGroup.Name)]
public sealed class SnsClientTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = AwsClients.For(moto);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private ISnsClient Sns => _services.GetRequiredService<ISnsClient>();

    [Fact]
    public async Task Topic_CreateAttributesSubscribePublish_RoundTrip()
    {
        var name = $"session-logins-{_suffix}";

        var arn = await Sns.CreateTopicAsync(name, [new("DisplayName", "Bastion logins")]);
        var again = await Sns.CreateTopicAsync(name, [new("DisplayName", "Bastion logins")]);
        var policy = JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = new[] { new { Sid = "events", Effect = "Allow", Principal = new { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = arn } } });
        await Sns.SetTopicAttributesAsync(arn, "Policy", policy);
        var subscription = await Sns.SubscribeAsync(arn, "email", "ops@example.com");
        var messageId = await Sns.PublishAsync(arn, "alice started a session on i-0123", "Bastion login");

        Assert.Equal(arn, again);
        Assert.EndsWith(":" + name, arn, StringComparison.Ordinal);
        Assert.Contains(arn, await Sns.ListTopicsAsync());
        var attributes = await Sns.GetTopicAttributesAsync(arn);
        Assert.Equal("Bastion logins", attributes!["DisplayName"]);
        Assert.Contains("events.amazonaws.com", attributes["Policy"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(subscription));
        Assert.False(string.IsNullOrEmpty(messageId));
        var subscriptions = await Sns.ListSubscriptionsByTopicAsync(arn);
        Assert.Contains(subscriptions, s => s is { Protocol: "email", Endpoint: "ops@example.com" });
        var cli = await AwsCli.RunAsync(moto.Endpoint, "sns", "get-topic-attributes", "--topic-arn", arn);
        Assert.Equal("Bastion logins", cli.GetProperty("Attributes").GetProperty("DisplayName").GetString());
    }

    [Fact]
    public async Task GetTopicAttributes_WhenMissing_ReturnsNull()
    {
        var arn = $"arn:aws:sns:{MotoServerFixture.Region}:123456789012:missing-{_suffix}";

        Assert.Null(await Sns.GetTopicAttributesAsync(arn));
    }

    public void Dispose() => _services.Dispose();
}

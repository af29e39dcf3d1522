using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The wizard's preferences step against moto, read back with the <c>aws</c> CLI.</summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupPreferencesTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = SetupServices.For(moto, typeof(PreferencesStep));

    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = $"prefs-{Guid.NewGuid():N}"[..20],
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
    };

    private ISetupEngine Engine => _services.GetRequiredService<ISetupEngine>();

    [Fact]
    public async Task Apply_WritesThePreferencesAsTheDefaultVersion_AndIdenticalContentIsNoChange()
    {
        // The account may already hold the document (other tests seed the sandbox): created or updated, it ends
        // as chosen and as the default.
        var first = await Engine.ApplyAsync(Settings);
        var again = await Engine.ApplyAsync(Settings);
        var longer = await Engine.ApplyAsync(Settings with { IdleSessionTimeoutMinutes = 45 });

        Assert.Contains(Assert.Single(first.Steps).Outcome, new[] { StepOutcome.Created, StepOutcome.Updated });
        Assert.Equal(StepOutcome.Unchanged, Assert.Single(again.Steps).Outcome);
        Assert.Equal(StepOutcome.Updated, Assert.Single(longer.Steps).Outcome);
        var description = (await CliAsync("describe-document")).GetProperty("Document");
        Assert.Equal("Session", description.GetProperty("DocumentType").GetString());
        Assert.Equal(description.GetProperty("LatestVersion").GetString(), description.GetProperty("DefaultVersion").GetString());
        var content = JsonNode.Parse((await CliAsync("get-document")).GetProperty("Content").GetString()!)!["inputs"]!;
        Assert.Equal(Settings.BucketName, content["s3BucketName"]!.GetValue<string>());
        Assert.Equal("sessionmanager", content["s3KeyPrefix"]!.GetValue<string>());
        Assert.True(content["s3EncryptionEnabled"]!.GetValue<bool>());
        Assert.Equal("45", content["idleSessionTimeout"]!.GetValue<string>());
        Assert.True((await Engine.PlanAsync(Settings with { IdleSessionTimeoutMinutes = 45 })).IsComplete);
    }

    public void Dispose() => _services.Dispose();

    private Task<JsonElement> CliAsync(string command) =>
        AwsCli.RunAsync(moto.Endpoint, "ssm", command, "--name", SessionPreferences.DocumentName);
}

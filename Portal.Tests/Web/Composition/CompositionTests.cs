using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core;
using Portal.Core.ApiTokens;
using Portal.Core.Audit;
using Portal.Core.Aws.CloudTrail;
using Portal.Core.Aws.EventBridge;
using Portal.Core.Aws.Iam;
using Portal.Core.Aws.Sns;
using Portal.Core.Persistence;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Setup;

namespace Portal.Tests.Web.Composition;

/// <summary>The real container, built from configuration alone (no appsettings.json is read here).</summary>
public sealed class CompositionTests
{
    [Fact]
    public void AddPortalCore_ValidConfiguration_ResolvesEveryService()
    {
        using var host = Build(new() { ["Portal:Aws:Mode"] = "Sandbox" });

        Assert.NotNull(host.Services.GetRequiredService<IIamClient>());
        Assert.NotNull(host.Services.GetRequiredService<ISnsClient>());
        Assert.NotNull(host.Services.GetRequiredService<IEventBridgeClient>());
        Assert.NotNull(host.Services.GetRequiredService<ICloudTrailClient>());
        Assert.NotNull(host.Services.GetRequiredService<IAuditTrail>());
        Assert.NotNull(host.Services.GetRequiredService<IApiTokenService>());
        Assert.NotNull(host.Services.GetRequiredService<IPortalDatabase>());
        Assert.NotNull(host.Services.GetRequiredService<ISandboxSeeder>());
        Assert.NotNull(host.Services.GetRequiredService<IAwsEnvironment>());
        Assert.NotNull(host.Services.GetRequiredService<ISessionLogLocation>());
        Assert.Equal("bastion-session-logs-sandbox", host.Services.GetRequiredService<IOptions<SessionLogOptions>>().Value.Bucket);
    }

    [Theory]
    [InlineData("Portal:Aws:Region", "middle-earth", "Portal:Aws:Region")]
    [InlineData("Portal:Aws:ServiceUrl", "not a url", "Portal:Aws:ServiceUrl")]
    [InlineData("Portal:Database:Provider", "Oracle", "Portal:Database:Provider")]
    [InlineData("Portal:Sessions:Bucket", "Bad_Bucket", "Portal:Sessions:Bucket")]
    [InlineData("Portal:Sandbox:TranscriptCount", "0", "Portal:Sandbox:TranscriptCount")]
    public async Task StartAsync_BadSetting_FailsWithTheFullKey(string key, string value, string expectedKey)
    {
        using var host = Build(new() { ["Portal:Aws:Mode"] = "Sandbox", [key] = value });

        var error = await Record.ExceptionAsync(() => host.StartAsync());

        var failure = Assert.IsType<OptionsValidationException>(error is AggregateException many ? many.InnerExceptions[0] : error);
        Assert.Contains(failure.Failures, f => f.StartsWith(expectedKey + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AwsMode_WithoutCredentials_ResolvesServicesAndFailsCallsWithNoCredentials()
    {
        using var host = Build(new() { ["Portal:Aws:Mode"] = "Aws", ["Portal:Aws:ServiceUrl"] = "http://127.0.0.1:9/" });

        var store = host.Services.GetRequiredService<ISessionLogStore>();
        var error = await Assert.ThrowsAsync<Portal.Core.Aws.AwsApiException>(() => host.Services.GetRequiredService<IAwsEnvironment>().GetCallerIdentityAsync());

        Assert.NotNull(store);
        Assert.Null(host.Services.GetRequiredService<IOptions<SessionLogOptions>>().Value.Bucket);
        Assert.Equal("NoCredentials", error.ErrorCode);
        Assert.Contains("No AWS credentials were found", error.AwsMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SessionLogOptions_AwsModeWithoutBucket_StayUnset()
    {
        using var host = Build(new() { ["Portal:Aws:Mode"] = "Aws" });

        Assert.Null(host.Services.GetRequiredService<IOptions<SessionLogOptions>>().Value.Bucket);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddPortalCore();
        return builder.Build();
    }
}

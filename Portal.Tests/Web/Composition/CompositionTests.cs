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
using Portal.Tests.TestSupport;

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

    [Fact]
    public async Task PostgreSql_MigratesWithItsOwnMigrations_AndKeepsTheAuditTrail()
    {
        var cluster = PostgresCluster.Shared;
        var database = cluster.CreateDatabase();
        try
        {
            using var host = Build(new() { ["Portal:Aws:Mode"] = "Aws", ["Portal:Database:Provider"] = "PostgreSQL", ["Portal:Database:ConnectionString"] = cluster.ConnectionString(database) });

            await host.Services.GetRequiredService<IPortalDatabase>().MigrateAsync();
            await host.Services.GetRequiredService<IPortalDatabase>().MigrateAsync(); // again: nothing to apply
            var audit = host.Services.GetRequiredService<IAuditTrail>();
            await audit.RecordAsync(new AuditRecord("alice", "setup.apply", "123456789012/ap-northeast-1", AuditOutcome.Succeeded));
            await using var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

            Assert.IsType<PostgreSqlPortalDbContext>(db);
            Assert.Equal("alice", Assert.Single((await audit.QueryAsync(new AuditQuery())).Items).Actor);
            Assert.Empty(await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database));
        }
        finally
        {
            cluster.DropDatabase(database);
        }
    }

    [Fact]
    public void PostgreSql_WithoutAConnectionString_OrInTheSandbox_IsRefusedWithTheReason()
    {
        using var missing = Build(new() { ["Portal:Aws:Mode"] = "Aws", ["Portal:Database:Provider"] = "PostgreSQL" });
        using var sandbox = Build(new() { ["Portal:Aws:Mode"] = "Sandbox", ["Portal:Database:Provider"] = "PostgreSQL", ["Portal:Database:ConnectionString"] = "Host=127.0.0.1;Database=x" });
        using var unknown = Build(new() { ["Portal:Aws:Mode"] = "Aws", ["Portal:Database:Provider"] = "Oracle" });

        var noConnection = Assert.Throws<OptionsValidationException>(() => missing.Services.GetRequiredService<IOptions<PersistenceOptions>>().Value);
        var inSandbox = Assert.Throws<OptionsValidationException>(() => sandbox.Services.GetRequiredService<IPortalDatabase>());
        var oracle = Assert.Throws<OptionsValidationException>(() => unknown.Services.GetRequiredService<IOptions<PersistenceOptions>>().Value);

        Assert.Contains("ConnectionString", noConnection.Message, StringComparison.Ordinal);
        Assert.Contains("is required with Provider PostgreSQL", noConnection.Message, StringComparison.Ordinal);
        Assert.Contains("the sandbox resets its database", inSandbox.Message, StringComparison.Ordinal);
        Assert.Contains("must be Sqlite or PostgreSQL", oracle.Message, StringComparison.Ordinal);
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

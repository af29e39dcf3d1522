using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Persistence;
using Portal.Core.Sandbox;
using Portal.Web.Sandbox;

namespace Portal.Web.Hosting;

/// <summary>
/// Runs before the portal takes requests: in the sandbox, starts moto (a fresh moto means a fresh sandbox database),
/// then applies migrations, then seeds the sandbox account.
/// </summary>
internal sealed partial class PortalStartup(
    IOptions<PortalAwsOptions> aws,
    IHostEnvironment environment,
    IPortalDatabase database,
    MotoServer moto,
    IServiceProvider services,
    ILogger<PortalStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sandbox = aws.Value.Mode == AwsMode.Sandbox;
        if (sandbox && !environment.IsDevelopment())
        {
            // Its sign-in needs no password and its tokens are public: never on a deployed portal.
            throw new SandboxUnavailableException(
                $"Portal:Aws:Mode is Sandbox in the {environment.EnvironmentName} environment: the sandbox (password-free sign-in, public tokens) runs only in Development. Set Portal:Aws:Mode to Aws, or ASPNETCORE_ENVIRONMENT to Development on a developer's machine.");
        }

        if (sandbox && await moto.EnsureRunningAsync(cancellationToken))
        {
            await database.ResetSandboxAsync(cancellationToken);
        }

        await database.MigrateAsync(cancellationToken);

        if (sandbox)
        {
            // Resolved only here: the seeder's SDK clients need credentials, which Aws mode may not have at startup.
            var result = await services.GetRequiredService<ISandboxSeeder>().SeedAsync(cancellationToken);
            LogSandboxReady(logger, result.WasAlreadySeeded ? "already seeded" : "seeded now");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (aws.Value.Mode == AwsMode.Sandbox)
        {
            await moto.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox ready ({State}): sign in at /signin as alice, bob, carol, dave or erin")]
    private static partial void LogSandboxReady(ILogger logger, string state);
}

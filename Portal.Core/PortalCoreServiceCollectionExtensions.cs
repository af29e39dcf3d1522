using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Core.ApiTokens;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Health;
using Portal.Core.Persistence;
using Portal.Core.Sandbox;

namespace Portal.Core;

/// <summary>Registers the portal's domain and AWS access.</summary>
public static class PortalCoreServiceCollectionExtensions
{
    /// <summary>Adds options, AWS clients, persistence, the audit trail, API tokens, sandbox seeding and health checks.</summary>
    public static IServiceCollection AddPortalCore(this IServiceCollection services)
    {
        services.AddPortalAws();
        services.AddPortalPersistence();

        services.TryAddSingleton<IAuditTrail, AuditTrail>();
        services.TryAddSingleton<IApiTokenService, ApiTokenService>();

        services.AddOptions<SandboxOptions>()
            .BindConfiguration(SandboxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<ISandboxSeeder, SandboxSeeder>();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<AwsHealthCheck>("aws");
        return services;
    }

    private static void AddPortalPersistence(this IServiceCollection services)
    {
        services.AddOptions<PersistenceOptions>()
            .BindConfiguration(PersistenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<DatabaseLocation>();
        services.AddDbContextFactory<PortalDbContext>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<DatabaseLocation>().ConnectionString));
        services.TryAddSingleton<IPortalDatabase, PortalDatabase>();
    }
}

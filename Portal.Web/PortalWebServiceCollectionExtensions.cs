using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;
using Portal.Core.Persistence.KeyRing;
using Portal.Web.Auth;
using Portal.Web.Hosting;
using Portal.Web.Sandbox;

namespace Portal.Web;

/// <summary>Registers the web host's services: Blazor, MudBlazor, sign-in, problem details and startup tasks.</summary>
internal static class PortalWebServiceCollectionExtensions
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Sign-in cookies must survive restarts and work on every replica: the keys live in the database, encrypted
        // with KMS when Portal:KeyRing:KmsKeyId names a key (ADR 0017).
        services.AddDataProtection()
            .SetApplicationName("bastion-portal")
            .PersistKeysToPortalDatabase();

        // TLS ends at the load balancer: believe its X-Forwarded-For and -Proto, and nobody else's (loopback by default).
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, config) =>
            (config.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>() ?? new ProxyOptions()).ApplyTo(options));

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddProblemDetails();
        services.AddPortalAuthentication(configuration);
        services.AddAntiforgery();

        services.AddSingleton<MotoServer>();
        services.AddHostedService<PortalStartup>();
        return services;
    }
}

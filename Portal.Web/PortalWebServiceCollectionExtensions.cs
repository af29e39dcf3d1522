using MudBlazor.Services;
using Portal.Web.Auth;
using Portal.Web.Hosting;
using Portal.Web.Sandbox;

namespace Portal.Web;

/// <summary>Registers the web host's services: Blazor, MudBlazor, sign-in, problem details and startup tasks.</summary>
internal static class PortalWebServiceCollectionExtensions
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration)
    {
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

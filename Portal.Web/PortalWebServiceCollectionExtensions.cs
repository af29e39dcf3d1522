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
        // First of the hosted services: migrations run before data protection reads its key ring from the database.
        services.AddHostedService<PortalStartup>();

        // Sign-in cookies must survive restarts and work on every replica: the keys live in the database, encrypted
        // with KMS when Portal:KeyRing:KmsKeyId names a key (ADR 0017).
        services.AddPortalDataProtection();

        // TLS ends at the load balancer: believe its X-Forwarded-For and -Proto, and nobody else's (loopback by default).
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, config) =>
            (config.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>() ?? new ProxyOptions()).ApplyTo(options));

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddLocalization();
        services.AddTransient<MudBlazor.MudLocalizer, Localization.PortalMudLocalizer>();

        // Japanese pages as text, not as a numeric entity per character (the default encodes all but Basic Latin);
        // markup characters are encoded all the same.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddProblemDetails();
        services.AddPortalAuthentication(configuration, environment);
        // The antiforgery cookie stays as the request came: it refuses plain-HTTP requests outside Development
        // otherwise, and behind the balancer every request arrives as HTTPS (X-Forwarded-Proto), so it is Secure there.
        services.AddAntiforgery();
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

        services.AddSingleton<MotoServer>();
        return services;
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Sandbox;

namespace Portal.Web.Auth;

/// <summary>Sign-in and sign-out endpoints. Form posts carry an antiforgery token, checked by the framework.</summary>
internal static partial class AuthEndpoints
{
    public const string SandboxSignInPath = "/signin";
    public const string LoginPath = "/auth/login";

    /// <summary>The sign-in page's <c>error</c> when the OpenID Connect provider does not answer.</summary>
    public const string ProviderUnavailable = "unavailable";

    public static IEndpointRouteBuilder MapPortalAuth(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/auth").AllowAnonymous();

        group.MapGet("/login", LoginAsync).WithName("Login");

        group.MapPost("/sandbox-signin", SandboxSignInAsync).WithName("SandboxSignIn").AddEndpointFilter<SameSiteOnly>();

        group.MapPost("/signout", SignOutAsync).WithName("SignOut").AddEndpointFilter<SameSiteOnly>();
        return endpoints;
    }

    /// <summary>
    /// Sends the person to the provider, once its metadata can be read: a provider that does not answer yet (the
    /// portal started first) gets a page that says so, not an error, and the API keeps working with tokens.
    /// </summary>
    private static async Task<IResult> LoginAsync(string? returnUrl, IOptions<PortalAuthOptions> auth, IOptionsMonitor<OpenIdConnectOptions> oidc, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var back = Uri.EscapeDataString(LocalOrRoot(returnUrl));
        if (auth.Value.SandboxSignIn == true || !auth.Value.Oidc.IsConfigured)
        {
            return Results.LocalRedirect($"{SandboxSignInPath}?returnUrl={back}");
        }

        try
        {
            if (oidc.Get(AuthServiceCollectionExtensions.OidcScheme).ConfigurationManager is { } metadata)
            {
                await metadata.GetConfigurationAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogProviderUnavailable(logging.CreateLogger(typeof(AuthEndpoints)), auth.Value.Oidc.Authority, ex);
            return Results.LocalRedirect($"{SandboxSignInPath}?error={ProviderUnavailable}&returnUrl={back}");
        }

        return Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrRoot(returnUrl) }, [AuthServiceCollectionExtensions.OidcScheme]);
    }

    private static async Task<IResult> SandboxSignInAsync(
        HttpContext context,
        [FromForm] string person,
        [FromForm] string? returnUrl,
        IOptions<PortalAuthOptions> auth,
        IAuditTrail audit)
    {
        if (auth.Value.SandboxSignIn != true)
        {
            return Results.NotFound();
        }

        var who = SandboxPeople.Find(person);
        if (who is null)
        {
            await audit.RecordAsync(new AuditRecord(person.Length > 64 ? person[..64] : person, "auth.sign-in", null, AuditOutcome.Denied, "not a sandbox person"));
            return Results.Redirect($"{SandboxSignInPath}?error=unknown");
        }

        var principal = PortalClaims.Create(who.Name, who.DisplayName, who.Roles, who.Name, "sandbox", AuthServiceCollectionExtensions.CookieScheme);
        await context.SignInAsync(AuthServiceCollectionExtensions.CookieScheme, principal);
        return Results.LocalRedirect(LocalOrRoot(returnUrl));
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAuditTrail audit, IOptions<PortalAuthOptions> auth)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), "auth.sign-out", null, AuditOutcome.Succeeded));
        }

        await context.SignOutAsync(AuthServiceCollectionExtensions.CookieScheme);
        if (auth.Value.Oidc.IsConfigured && user.FindFirst(PortalClaims.Method)?.Value == "oidc")
        {
            // Ends the provider's session too, then comes back to the portal's start page.
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [AuthServiceCollectionExtensions.OidcScheme]);
        }

        return Results.LocalRedirect(auth.Value.SandboxSignIn == true ? SandboxSignInPath : "/");
    }

    /// <summary>Only a path on this site: never an absolute or protocol-relative URL (open redirect).</summary>
    internal static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
            ? returnUrl
            : "/";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in is unavailable: the OpenID Connect provider {Authority} does not answer")]
    private static partial void LogProviderUnavailable(ILogger logger, string? authority, Exception exception);
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Identity;
using System.Security.Claims;

namespace Portal.Web.Auth;

/// <summary>Cookie sign-in for pages (OpenID Connect, or the sandbox's person picker) and bearer tokens for /api.</summary>
internal static class AuthServiceCollectionExtensions
{
    public const string PortalScheme = "Portal";
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // TLS ends at the balancer, which says so in X-Forwarded-Proto: outside Development every cookie is Secure.
        var secure = CookieSecurity(environment);
        services.AddOptions<PortalAuthOptions>()
            .BindConfiguration(PortalAuthOptions.SectionName)
            .PostConfigure<IOptions<PortalAwsOptions>>((auth, aws) => auth.SandboxSignIn ??= aws.Value.Mode == AwsMode.Sandbox)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalAuthOptions>, PortalAuthOptionsValidator>();
        services.AddSingleton<BadTokenGuard>();
        services.AddSingleton<OidcRoleCheck>();
        services.AddHttpClient(OidcRoleCheck.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SignInValidity>();

        // Which schemes exist is decided once, from configuration; the values themselves are validated above.
        var oidc = configuration.GetSection($"{PortalAuthOptions.SectionName}:Oidc").Get<OidcSettings>() ?? new OidcSettings();
        var useOidc = oidc.IsConfigured;

        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = PortalScheme;
                options.DefaultChallengeScheme = PortalScheme;
            })
            .AddPolicyScheme(PortalScheme, "Cookie for pages, bearer token for /api", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Path.StartsWithSegments("/api") ? ApiTokenAuthenticationHandler.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "portal.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = secure;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.LoginPath = AuthEndpoints.LoginPath;
                options.AccessDeniedPath = "/access-denied";
                options.Events.OnSigningIn = context =>
                {
                    // The start of the sign-in's absolute lifetime; the cookie's sliding renewals keep it.
                    if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == PortalClaims.SignedInAt))
                    {
                        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                        identity.AddClaim(new Claim(PortalClaims.SignedInAt, now.ToString("o", System.Globalization.CultureInfo.InvariantCulture)));
                    }

                    return Task.CompletedTask;
                };
                options.Events.OnValidatePrincipal = ValidatePrincipalAsync;
                options.Events.OnSignedIn = async context =>
                {
                    var audit = context.HttpContext.RequestServices.GetRequiredService<IAuditTrail>();
                    var user = context.Principal!;
                    await audit.RecordAsync(new AuditRecord(user.ActorOf(), "auth.sign-in", null, AuditOutcome.Succeeded, $"via {user.FindFirst(PortalClaims.Method)?.Value}; roles: {string.Join(", ", user.Roles())}"));
                };
            });

        if (useOidc)
        {
            authentication.AddOpenIdConnect(OidcScheme, "Single sign-on", _ => { });
            services.AddOptions<OpenIdConnectOptions>(OidcScheme)
                .Configure<IOptions<PortalAuthOptions>>((options, auth) => ConfigureOidc(options, auth.Value.Oidc, secure));
        }

        services.AddAuthorization(PortalPolicies.Configure);
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationState>();
        return services;
    }

    /// <summary>
    /// Every request with a cookie: the sign-in must be within its absolute lifetime and, for OpenID Connect, carry the
    /// roles the provider gives now; a sign-in that is over is signed out (the page sends the person to sign in again).
    /// </summary>
    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var verdict = await services.GetRequiredService<SignInValidity>().CheckAsync(context.Principal!, context.Properties.IssuedUtc, context.HttpContext.RequestAborted);
        if (verdict.Principal is null)
        {
            var who = context.Principal!.ActorOf();
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            await services.GetRequiredService<IAuditTrail>().RecordAsync(new AuditRecord(who, "auth.sign-out", null, AuditOutcome.Succeeded, $"signed out by the portal: {verdict.Why}"));
        }
        else if (verdict.RolesChanged)
        {
            context.ReplacePrincipal(verdict.Principal);
            context.ShouldRenew = true;
        }
    }

    /// <summary>Secure cookies outside Development; on a developer's plain-HTTP machine, as the request came.</summary>
    public static CookieSecurePolicy CookieSecurity(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    private static void ConfigureOidc(OpenIdConnectOptions options, OidcSettings settings, CookieSecurePolicy secure)
    {
        options.SignInScheme = CookieScheme;
        options.Authority = settings.Authority;
        options.ClientId = settings.ClientId;
        options.ClientSecret = settings.ClientSecret;
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.ResponseType = "code";
        options.UsePkce = true;

        // The code comes back on a top-level GET (the spec's default for the code flow), so the correlation and
        // nonce cookies can stay SameSite=Lax instead of None, and work on plain HTTP in Development.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = secure;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = secure;
        // The ID token rides in the encrypted cookie so sign-out can send id_token_hint, which providers require.
        options.SaveTokens = true;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.Scope.Clear();
        foreach (var scope in settings.Scopes.Count > 0 ? settings.Scopes : ["openid", "profile", "email"])
        {
            options.Scope.Add(scope);
        }

        options.TokenValidationParameters.NameClaimType = settings.NameClaimType;

        // Roles may arrive in the ID token or only from the userinfo endpoint: keep both, then map once.
        options.ClaimActions.MapJsonKey(settings.RoleClaimType, settings.RoleClaimType);
        options.ClaimActions.MapJsonKey(settings.NameClaimType, settings.NameClaimType);
        options.Events.OnTicketReceived = async context =>
        {
            var external = context.Principal!;
            var mapped = RoleClaimMapper.Map(external, settings, CookieScheme);
            // The person is their issuer and subject: the people directory gives the portal's name for them, which a
            // later user with the same user name never inherits.
            var subject = external.FindFirst("sub")?.Value ?? external.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            if (string.IsNullOrEmpty(subject))
            {
                context.Fail("The provider's ID token has no subject (sub).");
                return;
            }

            var issuer = external.FindFirst("iss")?.Value ?? settings.Authority!;
            var people = context.HttpContext.RequestServices.GetRequiredService<IPeople>();
            var name = await people.SignedInAsync(issuer, subject, mapped.ActorOf(), mapped.Roles(), OidcRoleCheck.TokensOf(context.Properties!), context.HttpContext.RequestAborted);
            context.Principal = name == mapped.ActorOf() ? mapped : mapped.Renamed(name);
        };
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Core.Audit;
using Portal.Core.Aws;

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
        return services;
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
        options.Events.OnTicketReceived = context =>
        {
            context.Principal = RoleClaimMapper.Map(context.Principal!, settings, CookieScheme);
            return Task.CompletedTask;
        };
    }
}

using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Portal.Tests.TestSupport;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on a loopback port: authorization code flow with PKCE required, a
/// login form, userinfo, end-session, and people whose <c>groups</c> claim the portal maps to roles.
/// </summary>
public sealed class LocalOidcProvider : IAsyncDisposable
{
    public const string ClientId = "bastion-portal";
    public const string ClientSecret = "portal-test-secret";
    private const string LoginScheme = "idp";

    /// <summary>The provider's people: user name, display name, groups. A test may change someone's groups.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Name, string[] Groups)> People = new(new Dictionary<string, (string, string[])>
    {
        ["ops.admin"] = ("Olivia Ops", ["portal-admins", "staff"]),
        ["audit.jane"] = ("Jane Audit", ["portal-auditors"]),
        ["audit.raj"] = ("Raj Audit", ["portal-auditors"]),
        ["guest"] = ("Gus Guest", ["staff"]),
    });

    private readonly WebApplication _app;
    private readonly SqliteConnection _connection;

    private LocalOidcProvider(WebApplication app, SqliteConnection connection, Uri authority)
    {
        _app = app;
        _connection = connection;
        Authority = authority;
    }

    public Uri Authority { get; }

    public static Task<LocalOidcProvider> StartAsync(Uri portal) => StartAsync([portal], FreePort.Next());

    /// <summary>A provider on <paramref name="port"/> for every portal (replica) in <paramref name="portals"/>.</summary>
    public static async Task<LocalOidcProvider> StartAsync(IReadOnlyList<Uri> portals, int port)
    {
        var authority = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(authority.ToString());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // OpenIddict keeps its clients and codes in an in-memory SQLite database that lives as long as this connection.
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        builder.Services.AddDbContext<DbContext>(o => o.UseSqlite(connection).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(authority);
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        builder.Services.AddAuthentication().AddCookie(LoginScheme, o =>
        {
            o.Cookie.Name = "idp.session";
            o.LoginPath = "/login";
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        MapEndpoints(app);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DbContext>().Database.EnsureCreatedAsync();
            var application = new OpenIddictApplicationDescriptor
            {
                ClientId = ClientId,
                ClientSecret = ClientSecret,
                ClientType = ClientTypes.Confidential,
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Profile, Permissions.Scopes.Email,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            foreach (var portal in portals)
            {
                application.RedirectUris.Add(new Uri(portal, "signin-oidc"));
                application.PostLogoutRedirectUris.Add(new Uri(portal, "signout-callback-oidc"));
            }

            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(application);
        }

        await app.StartAsync();
        return new LocalOidcProvider(app, connection, authority);
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/login", (string? returnUrl) => Results.Content(
            $"""
            <html><body><h1>Local identity provider</h1>
            <form method="post" action="/login">
              <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "/")}" />
              <label>User name <input name="username" id="username" /></label>
              <button type="submit" id="login">Sign in</button>
            </form></body></html>
            """,
            "text/html"));

        app.MapPost("/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var username = form["username"].ToString();
            if (!People.ContainsKey(username))
            {
                return Results.Unauthorized();
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, username)], LoginScheme);
            await context.SignInAsync(LoginScheme, new ClaimsPrincipal(identity));
            var returnUrl = form["returnUrl"].ToString();
            return Results.Redirect(returnUrl.StartsWith('/') ? returnUrl : "/");
        }).DisableAntiforgery();

        app.MapMethods("/connect/authorize", ["GET", "POST"], async (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            var login = await context.AuthenticateAsync(LoginScheme);
            if (!login.Succeeded)
            {
                return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + context.Request.QueryString }, [LoginScheme]);
            }

            var username = login.Principal!.Identity!.Name!;
            var (name, groups) = People[username];
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, username)
                .SetClaim(Claims.PreferredUsername, username)
                .SetClaim(Claims.Name, name)
                .SetClaims("groups", [.. groups]);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        app.MapMethods("/connect/userinfo", ["GET", "POST"], async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var username = result.Principal?.GetClaim(Claims.Subject);
            if (username is null || !People.TryGetValue(username, out var person))
            {
                return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            return Results.Json(new Dictionary<string, object>
            {
                [Claims.Subject] = username,
                [Claims.PreferredUsername] = username,
                [Claims.Name] = person.Name,
                ["groups"] = person.Groups,
            });
        });

        app.MapMethods("/connect/endsession", ["GET", "POST"], async (HttpContext context) =>
        {
            await context.SignOutAsync(LoginScheme);
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();

        await _connection.DisposeAsync();
    }
}

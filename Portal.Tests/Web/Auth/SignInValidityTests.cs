using System.Net;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Core.Audit;
using Portal.Core.Identity;
using Portal.Tests.TestSupport;
using Portal.Web.Auth;

namespace Portal.Tests.Web.Auth;

/// <summary>
/// A sign-in's lifetime and its roles read again from the provider (userinfo, refresh), as requests and open pages
/// check them.
/// </summary>
public sealed class SignInValidityTests : IDisposable
{
    private const string Issuer = "https://idp.example.com";
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly AuditTrail _audit;
    private readonly People _people;
    private readonly Provider _provider = new();
    private readonly PortalAuthOptions _options = new()
    {
        RoleCheckInterval = TimeSpan.FromMinutes(5),
        SessionLifetime = TimeSpan.FromHours(12),
        Oidc = new OidcSettings { Authority = Issuer, ClientId = "portal", ClientSecret = "s", RoleMappings = new(StringComparer.OrdinalIgnoreCase) { ["Auditor"] = ["auditors"], ["Approver"] = ["approvers"] } },
    };

    public SignInValidityTests()
    {
        _audit = new AuditTrail(_database, _time, NullLogger<AuditTrail>.Instance);
        _people = new People(_database, new EphemeralDataProtectionProvider(), _time);
    }

    [Fact]
    public async Task WithinTheInterval_TheProviderIsNotAsked()
    {
        await SignInAsync("raj", ["Auditor"], Tokens());
        _time.Advance(TimeSpan.FromMinutes(4));

        var user = Principal("raj", "Auditor");
        var verdict = await Validity().CheckAsync(user, null, default);

        Assert.Same(user, verdict.Principal);
        Assert.False(verdict.RolesChanged);
        Assert.Equal(0, _provider.Calls);
    }

    [Fact]
    public async Task RemovedFromAGroup_LosesTheRole_AtTheNextCheck_AndItIsAudited()
    {
        await SignInAsync("raj", ["Auditor"], Tokens());
        _provider.Groups = ["staff"];
        _time.Advance(TimeSpan.FromMinutes(6));

        var verdict = await Validity().CheckAsync(Principal("raj", "Auditor"), null, default);

        Assert.True(verdict.RolesChanged);
        Assert.NotNull(verdict.Principal);
        Assert.Empty(verdict.Principal.Roles());
        Assert.Equal("raj", verdict.Principal.ActorOf());
        Assert.Equal("Bearer access-1", _provider.LastAuthorization);
        var audited = Assert.Single((await _audit.QueryAsync(new AuditQuery { Action = "auth.roles-changed" })).Items);
        Assert.Equal("the provider now gives no portal role (was Auditor)", audited.Detail);
    }

    [Fact]
    public async Task AnOpenPage_LosesItsSignIn_WhenTheRolesChanged()
    {
        await SignInAsync("raj", ["Auditor"], Tokens());
        _provider.Groups = ["approvers"];
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.False(await CircuitKeepsAsync(Principal("raj", "Auditor")));
        Assert.True(await CircuitKeepsAsync(Principal("raj", "Approver")));
        Assert.True(await CircuitKeepsAsync(PortalClaims.Create("alice", "Alice", ["Admin"], "alice", "sandbox", "Cookies")));
    }

    [Fact]
    public async Task AnExpiredAccessToken_IsRefreshed_ThenUserinfoAsked()
    {
        await SignInAsync("raj", ["Auditor"], Tokens(expiresIn: TimeSpan.FromMinutes(2)));
        _time.Advance(TimeSpan.FromMinutes(6));

        var verdict = await Validity().CheckAsync(Principal("raj", "Auditor"), null, default);

        Assert.False(verdict.RolesChanged);
        Assert.Equal("Bearer access-2", _provider.LastAuthorization);
        Assert.Equal("access-2", (await _people.GetAsync("raj"))!.Tokens!.AccessToken);
    }

    [Theory]
    [InlineData(true, false)] // userinfo refuses the token
    [InlineData(false, true)] // the token expired and there is no refresh token
    public async Task RefusedOrUncheckable_TheSignInIsOver(bool userinfoRefuses, bool expiredWithoutRefresh)
    {
        await SignInAsync("raj", ["Auditor"], expiredWithoutRefresh ? new OidcTokens("access-1", null, _time.GetUtcNow().AddMinutes(1)) : Tokens());
        _provider.Refuse = userinfoRefuses;
        _time.Advance(TimeSpan.FromMinutes(6));

        var verdict = await Validity().CheckAsync(Principal("raj", "Auditor"), null, default);

        Assert.Null(verdict.Principal);
        Assert.True((await _people.GetAsync("raj"))!.Revoked);
        Assert.Single((await _audit.QueryAsync(new AuditQuery { Action = "auth.sign-in-ended" })).Items);
    }

    [Fact]
    public async Task TheProviderDown_KeepsTheRoles_ButNeverPastTheSessionLifetime()
    {
        await SignInAsync("raj", ["Auditor"], Tokens());
        _provider.Down = true;
        _time.Advance(TimeSpan.FromMinutes(6));
        var user = Principal("raj", "Auditor");

        Assert.Same(user, (await Validity().CheckAsync(user, null, default)).Principal);

        _time.Advance(TimeSpan.FromHours(12).Add(TimeSpan.FromMinutes(1)));
        var over = await Validity().CheckAsync(user, null, default);
        Assert.Null(over.Principal);
        Assert.Equal("the sign-in is older than 12 h", over.Why);
        Assert.False(await CircuitKeepsAsync(user));
    }

    public void Dispose() => _database.Dispose();

    private OidcTokens Tokens(TimeSpan? expiresIn = null) => new("access-1", "refresh-1", _time.GetUtcNow() + (expiresIn ?? TimeSpan.FromHours(1)));

    private Task<string> SignInAsync(string name, string[] roles, OidcTokens tokens) => _people.SignedInAsync(Issuer, "sub-" + name, name, roles, tokens);

    private ClaimsPrincipal Principal(string name, params string[] roles)
    {
        var user = PortalClaims.Create(name, name, roles, name, "oidc", "Cookies");
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(PortalClaims.SignedInAt, _time.GetUtcNow().ToString("o", System.Globalization.CultureInfo.InvariantCulture)));
        return user;
    }

    private SignInValidity Validity()
    {
        var oidc = new OpenIdConnectOptions
        {
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(new OpenIdConnectConfiguration { UserInfoEndpoint = "https://idp.example.com/userinfo", TokenEndpoint = "https://idp.example.com/token" }),
        };
        var check = new OidcRoleCheck(_people, new Monitor(oidc), Options.Create(_options), _provider, _audit, _time, NullLogger<OidcRoleCheck>.Instance);
        return new SignInValidity(check, Options.Create(_options), _time);
    }

    private async Task<bool> CircuitKeepsAsync(ClaimsPrincipal user)
    {
        var services = new ServiceCollection().AddSingleton(Validity()).BuildServiceProvider();
        var state = new RevalidatingAuthenticationState(NullLoggerFactory.Instance, services.GetRequiredService<IServiceScopeFactory>(), Options.Create(_options));
        var validate = typeof(RevalidatingAuthenticationState).GetMethod("ValidateAuthenticationStateAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        return await (Task<bool>)validate.Invoke(state, [new AuthenticationState(user), CancellationToken.None])!;
    }

    private sealed class Monitor(OpenIdConnectOptions options) : IOptionsMonitor<OpenIdConnectOptions>
    {
        public OpenIdConnectOptions CurrentValue => options;

        public OpenIdConnectOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
    }

    /// <summary>The provider's userinfo and token endpoints.</summary>
    private sealed class Provider : HttpMessageHandler, IHttpClientFactory
    {
        public string[] Groups { get; set; } = ["auditors"];

        public bool Refuse { get; set; }

        public bool Down { get; set; }

        public int Calls { get; private set; }

        public string? LastAuthorization { get; private set; }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            if (request.RequestUri!.AbsolutePath == "/token")
            {
                var form = await request.Content!.ReadAsStringAsync(cancellationToken);
                return form.Contains("refresh_token=refresh-1", StringComparison.Ordinal)
                    ? Json("""{"access_token":"access-2","refresh_token":"refresh-2","expires_in":3600}""")
                    : new HttpResponseMessage(HttpStatusCode.BadRequest);
            }

            LastAuthorization = request.Headers.Authorization?.ToString();
            return Refuse
                ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
                : Json($$"""{"sub":"sub-raj","preferred_username":"raj","groups":[{{string.Join(",", Groups.Select(g => $"\"{g}\""))}}]}""");
        }

        private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}

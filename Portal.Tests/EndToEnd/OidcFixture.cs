using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The portal in Production and Aws mode, a local OpenID Connect provider, moto behind it, and Chromium.</summary>
public sealed class OidcFixture : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private readonly int _portalPort = FreePort.Next();
    private LocalOidcProvider _provider = default!;
    private PortalProcess _portal = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    public PortalProcess Portal => _portal;

    public Uri ProviderAuthority => _provider.Authority;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        // localhost, a secure context for Chromium: the portal's Production cookies are Secure.
        var portalAddress = new Uri($"http://localhost:{_portalPort}/");
        _provider = await LocalOidcProvider.StartAsync(portalAddress);
        _portal = PortalProcess.Start(
            new Dictionary<string, string>
            {
                ["Portal:Aws:Mode"] = "Aws",
                ["Portal:Aws:ServiceUrl"] = _moto.Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = "testing",
                ["AWS_SECRET_ACCESS_KEY"] = "testing",
                ["Portal:Auth:Oidc:Authority"] = _provider.Authority.ToString(),
                ["Portal:Auth:Oidc:ClientId"] = LocalOidcProvider.ClientId,
                ["Portal:Auth:Oidc:ClientSecret"] = LocalOidcProvider.ClientSecret,
                ["Portal:Auth:Oidc:RequireHttpsMetadata"] = "false",
                ["Portal:Auth:RoleCheckInterval"] = "00:00:05",
            },
            environment: "Production",
            port: _portalPort,
            host: "localhost");
        await _portal.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        _playwright = await Playwright.CreateAsync();
        _browser = await HeadlessChromium.LaunchAsync(_playwright);
    }

    public Task<IPage> NewPageAsync() => HeadlessChromium.NewPageAsync(_browser, _portal.BaseAddress);

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _portal.DisposeAsync();
        await _provider.DisposeAsync();
        await _moto.DisposeAsync();
    }
}

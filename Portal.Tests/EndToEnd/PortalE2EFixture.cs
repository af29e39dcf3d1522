using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The portal started as `dotnet run` starts it (Development, so Sandbox), on an endpoint where nothing answers yet,
/// so the portal starts and seeds its own moto; and headless Chromium from Debian's package.
/// </summary>
public sealed class PortalE2EFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public PortalProcess Portal { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public Uri MotoEndpoint { get; } = new($"http://127.0.0.1:{FreePort.Next()}/");

    public async Task InitializeAsync()
    {
        Portal = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:ServiceUrl"] = MotoEndpoint.ToString() });
        await Portal.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));

        _playwright = await Playwright.CreateAsync();
        Browser = await HeadlessChromium.LaunchAsync(_playwright);
    }

    public Task<IPage> NewPageAsync(string? locale = null) => HeadlessChromium.NewPageAsync(Browser, Portal.BaseAddress, locale);

    /// <summary>A new page signed in as one of the sandbox's people, on the dashboard once its circuit has connected.</summary>
    /// <param name="person">The seeded person's name.</param>
    /// <param name="locale">The browser's language (<c>ja-JP</c>); English when not given.</param>
    public async Task<IPage> SignedInAsync(string person, string? locale = null)
    {
        var page = await NewPageAsync(locale);
        await page.GotoAsync("/signin");
        await page.GetByTestId($"signin-{person}").ClickAsync();
        await page.WaitForURLAsync(Portal.BaseAddress.ToString());
        await Assertions.Expect(page.GetByTestId("nav-dashboard")).ToBeVisibleAsync();

        // The page is prerendered first; clicks and forms work once the circuit has connected.
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
    }
}

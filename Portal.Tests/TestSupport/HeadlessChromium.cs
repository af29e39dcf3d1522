using Microsoft.Playwright;

namespace Portal.Tests.TestSupport;

/// <summary>Debian's Chromium driven by Playwright (its own browser download cannot work here).</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        // Expect(...) waits 5 s unless told; the suites at once on two cores have taken longer to show a result. A
        // wait for the page, not a measure of its speed, as below.
        Assertions.SetDefaultExpectTimeout(30_000);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Background networking is refused on this closed network; without these flags Chromium retries noisily.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri baseAddress, string? locale = null)
    {
        // The locale is the browser's language, which it sends as Accept-Language (English unless a test says).
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), Locale = locale ?? "en-US" });
        // Waits for the page, not a measure of its speed (bench/ measures that): CI runs every suite at once on two
        // cores, where a sign-in's redirect has taken over 20 s.
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }
}

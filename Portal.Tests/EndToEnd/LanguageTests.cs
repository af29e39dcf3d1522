using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.EndToEnd;

/// <summary>The portal in English and Japanese: from the browser's language, switched from the user menu and remembered; the API stays English.</summary>
public sealed partial class LanguageTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    [Theory]
    [InlineData("ja", "ja", "サンドボックスにサインイン")]
    [InlineData("ja-JP,ja;q=0.9,en;q=0.8", "ja", "サンドボックスにサインイン")]
    [InlineData("en-US,en;q=0.9", "en", "Sign in to the sandbox")]
    [InlineData("fr-FR", "en", "Sign in to the sandbox")]
    public async Task AcceptLanguage_ChoosesThePagesLanguage(string acceptLanguage, string lang, string heading)
    {
        using var client = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        var page = await client.GetStringAsync("/signin");

        Assert.Contains($"<html lang=\"{lang}\"", page, StringComparison.Ordinal);
        Assert.Contains(heading, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApisProblemDetails_StayEnglish()
    {
        using var client = new HttpClient { BaseAddress = fixture.Portal.BaseAddress };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-carol");

        using var response = await client.GetAsync("/api/sessions/not%20an%20id!/raw");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid session id", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task AJapaneseBrowser_GetsJapanesePages_AndTheMenuSwitchesToEnglish_Remembered()
    {
        var page = await fixture.SignedInAsync("carol", "ja-JP");
        await page.GotoAsync("/sessions");
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1); // the menu opens once the circuit is up
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("セッション");
        await Assertions.Expect(page.GetByTestId("nav-search")).ToHaveTextAsync("検索");
        await Assertions.Expect(page.Locator(".mud-table-pagination-caption").First).ToContainTextAsync("表示件数"); // MudBlazor's own text
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("監査者");

        await page.GetByTestId("language-menu").ClickAsync();
        await page.GetByTestId("language-en").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sessions");
        await Assertions.Expect(page).ToHaveURLAsync(SessionsPath());

        // Remembered over the browser's language, on this page and the next.
        await page.GotoAsync("/search");
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Search transcripts");
        await page.GetByTestId("language-menu").ClickAsync();
        await page.GetByTestId("language-ja").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("記録の検索");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task TheSwitch_GoesBackOnlyIntoThePortal(string returnUrl)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Portal.BaseAddress };

        using var response = await client.GetAsync($"/culture?set=ja&returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Dja%7Cuic%3Dja", StringComparison.Ordinal));
        using var unknown = await client.GetAsync("/culture?set=xx&returnUrl=/");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [GeneratedRegex("/sessions$")]
    private static partial Regex SessionsPath();
}

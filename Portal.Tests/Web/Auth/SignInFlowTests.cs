using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Auth;

/// <summary>Page sign-in through the real pipeline: redirects, antiforgery, the sandbox picker, modes.</summary>
[Collection(MotoGroup.Name)]
public sealed partial class SignInFlowTests(MotoServerFixture moto) : IDisposable
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task Page_WithoutSignIn_RedirectsToSignInWithReturnUrl()
    {
        using var client = _portal.CreateClient(NoRedirects);

        using var page = await client.GetAsync("/audit");
        using var login = await client.GetAsync(page.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/auth/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("/signin?returnUrl=%2Faudit", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SandboxSignIn_AsCarol_OpensAuditAndIsAudited()
    {
        using var client = _portal.CreateClient(NoRedirects);

        using var signedIn = await SignInAsync(client, "carol", "/audit");
        using var audit = await client.GetAsync("/audit");
        using var setup = await client.GetAsync("/setup");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/audit", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Contains("Audit trail", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.StartsWith("/access-denied", setup.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        using var denied = await client.GetAsync(setup.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("You do not have access to this page", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var api = _portal.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-carol");
        var entries = await api.GetFromJsonAsync<JsonElement>("/api/audit?actor=carol&action=auth.sign-in");
        Assert.Contains("via sandbox", entries.GetProperty("items")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxSignIn_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = _portal.CreateClient(NoRedirects);

        using var response = await client.PostAsync("/auth/sandbox-signin", new FormUrlEncodedContent([new("person", "alice")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task SandboxSignIn_UnknownPerson_BackToPickerWithError()
    {
        using var client = _portal.CreateClient(NoRedirects);

        using var response = await SignInAsync(client, "mallory", "/");

        Assert.Equal("/signin?error=unknown", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SandboxSignIn_ExternalReturnUrl_StaysOnSite()
    {
        using var client = _portal.CreateClient(NoRedirects);

        using var response = await SignInAsync(client, "alice", "https://evil.example/");

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var client = _portal.CreateClient(NoRedirects);
        using var _ = await SignInAsync(client, "alice", "/");
        var dashboard = await client.GetStringAsync("/");
        var token = AntiforgeryField().Match(dashboard).Groups[1].Value;

        using var signOut = await client.PostAsync("/auth/signout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        using var after = await client.GetAsync("/");

        Assert.Equal("/signin", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Start_AwsModeWithSandboxSignIn_RefusesToStartNamingTheKey()
    {
        await using var portal = PortalProcess.Start(new Dictionary<string, string>
        {
            ["Portal:Aws:Mode"] = "Aws",
            ["Portal:Aws:ServiceUrl"] = moto.Endpoint.ToString(),
            ["Portal:Auth:SandboxSignIn"] = "true",
            ["Portal:Auth:Oidc:Authority"] = "https://login.example.com/",
            ["Portal:Auth:Oidc:ClientId"] = "portal",
        });

        var exitCode = await portal.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains("The portal could not start: Portal:Auth:SandboxSignIn: the sandbox sign-in page exists only in Sandbox mode", portal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwsMode_SignInPageAndSandboxTokens_DoNotExist()
    {
        using var portal = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?>
        {
            ["Portal:Aws:Mode"] = "Aws",
            ["Portal:Auth:Oidc:Authority"] = "https://login.example.com/",
            ["Portal:Auth:Oidc:ClientId"] = "portal",
        });
        using var client = portal.CreateClient(NoRedirects);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-carol");

        using var page = await client.GetAsync("/signin");
        using var api = await client.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain("signin-alice", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string person, string returnUrl)
    {
        var picker = await client.GetStringAsync("/signin");
        var token = AntiforgeryField().Match(picker).Groups[1].Value;
        return await client.PostAsync("/auth/sandbox-signin", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token),
            new("person", person),
            new("returnUrl", returnUrl),
        ]));
    }

    [Fact]
    public async Task CrossSiteRequests_ToSignOutAndCookieDownloads_AreRefused()
    {
        using var client = _portal.CreateClient(NoRedirects);
        await SignInAsync(client, "carol", "/");

        using var crossSiteDownload = await SendAsync(client, HttpMethod.Get, "/downloads/sessions/no-such-session/raw", ("Sec-Fetch-Site", "cross-site"));
        using var crossOriginSignOut = await SendAsync(client, HttpMethod.Post, "/auth/signout", ("Origin", "https://evil.example"));
        using var sameSiteDownload = await SendAsync(client, HttpMethod.Get, "/downloads/sessions/no-such-session/raw", ("Sec-Fetch-Site", "same-origin"));
        using var typedDownload = await SendAsync(client, HttpMethod.Get, "/downloads/sessions/no-such-session/raw", ("Sec-Fetch-Site", "none"));

        Assert.Equal(HttpStatusCode.Forbidden, crossSiteDownload.StatusCode);
        Assert.Equal("application/problem+json", crossSiteDownload.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, crossOriginSignOut.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sameSiteDownload.StatusCode); // still signed in, and let through to the download
        Assert.Equal(HttpStatusCode.NotFound, typedDownload.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(header.Name, header.Value);
        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public void Dispose() => _portal.Dispose();
}

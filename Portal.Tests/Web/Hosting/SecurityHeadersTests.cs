using System.Net;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Hosting;

/// <summary>Every response carries the security headers: pages, the API, downloads, static files, health and errors.</summary>
[Collection(MotoGroup.Name)]
public sealed class SecurityHeadersTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task EveryKindOfResponse_CarriesTheHeaders()
    {
        using var anonymous = _portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var id = await SeededSessions.FirstAsync(carol);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await anonymous.GetAsync("/signin"),
            ["redirect to sign-in"] = await anonymous.GetAsync("/sessions"),
            ["api"] = await carol.GetAsync("/api/sessions"),
            ["download"] = await carol.GetAsync($"/api/sessions/{id}/raw"),
            ["static file"] = await anonymous.GetAsync("/_framework/blazor.web.js"),
            ["health"] = await anonymous.GetAsync("/healthz"),
            ["api error"] = await carol.GetAsync("/api/sessions/no-such-session/raw"),
            ["unauthorised"] = await anonymous.GetAsync("/api/sessions"),
            ["missing page"] = await anonymous.GetAsync("/no-such-page"),
        };

        try
        {
            Assert.Equal(HttpStatusCode.OK, responses["download"].StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, responses["unauthorised"].StatusCode);
            Assert.All(responses, pair =>
            {
                var headers = pair.Value.Headers;
                var csp = Assert.Single(headers.GetValues("Content-Security-Policy"));
                Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
                Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
                Assert.Equal("nosniff", Assert.Single(headers.GetValues("X-Content-Type-Options")));
                Assert.Equal("same-origin", Assert.Single(headers.GetValues("Referrer-Policy")));
                Assert.Equal("DENY", Assert.Single(headers.GetValues("X-Frame-Options")));
            });
        }
        finally
        {
            foreach (var response in responses.Values)
            {
                response.Dispose();
            }
        }
    }

    public void Dispose() => _portal.Dispose();
}

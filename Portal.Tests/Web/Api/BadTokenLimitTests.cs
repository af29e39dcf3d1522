using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>An address that sends more than 60 invalid tokens in a minute gets 429 on /api and /auth; the audit trail gets a summary.</summary>
[Collection(MotoGroup.Name)]
public sealed class BadTokenLimitTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task SixtyInvalidTokens_ThenEveryRequestFromThatAddress_Is429_AndAuditedOnce()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var guesser = _portal.CreateBearerClient($"bpt_guess{i:D4}xxxxxxxxxxxxxxxxxxxxxxxx");
            using var response = await guesser.GetAsync("/api/sessions");
            statuses.Add(response.StatusCode);
        }

        using var afterLimit = _portal.CreateBearerClient("bpt_guess-one-more-xxxxxxxxxxxxxxxxxxxx");
        using var blocked = await afterLimit.GetAsync("/api/sessions");
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var validButSameAddress = await carol.GetAsync("/api/sessions");
        using var signIn = await _portal.CreateClient().GetAsync("/auth/login");
        var audit = await _portal.Services.GetRequiredService<IAuditTrail>().QueryAsync(new AuditQuery { Action = "auth.api-token" });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("60", blocked.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, validButSameAddress.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
        Assert.Equal(2, audit.TotalCount); // the first invalid token, then the block: not a row per request
        Assert.Contains("60 invalid tokens within a minute", audit.Items[0].Detail, StringComparison.Ordinal);
        Assert.All(audit.Items, a => Assert.DoesNotContain("guess0", a.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BehindATrustedBalancer_TheLimitIsPerForwardedClient_NotPerBalancer()
    {
        using var behind = new PortalWebFactory(moto.Endpoint, new Dictionary<string, string?> { ["Portal:Proxies:KnownProxies:0"] = "10.0.0.5" })
            .WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, FromBalancer>()));

        for (var i = 0; i < 60; i++)
        {
            using var guess = await SendAsync(behind, $"bpt_guess{i:D4}xxxxxxxxxxxxxxxxxxxxxxxx", "203.0.113.5");
        }

        using var attacker = await SendAsync(behind, "sandbox-carol", "203.0.113.5");
        using var someoneElse = await SendAsync(behind, "sandbox-carol", "203.0.113.6");
        var audit = await behind.Services.GetRequiredService<IAuditTrail>().QueryAsync(new AuditQuery { Action = "auth.api-token" });

        Assert.Equal(HttpStatusCode.TooManyRequests, attacker.StatusCode);
        Assert.Equal(HttpStatusCode.OK, someoneElse.StatusCode); // the balancer's own address is not what was limited
        Assert.All(audit.Items, a => Assert.Equal("203.0.113.5", a.Target));
    }

    private static async Task<HttpResponseMessage> SendAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> portal, string token, string client)
    {
        using var http = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Forwarded-For", client);
        return await http.SendAsync(request);
    }

    public void Dispose() => _portal.Dispose();

    /// <summary>Every request arrives from the load balancer's address, as behind a real one.</summary>
    private sealed class FromBalancer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
                return following(context);
            });
            next(app);
        };
    }
}

using System.Net;
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

    public void Dispose() => _portal.Dispose();
}

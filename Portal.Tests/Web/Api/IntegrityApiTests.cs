using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>The signed digests over HTTP: the sandbox portal writes them every minute into the seeded bucket in moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class IntegrityApiTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task Verify_AsAuditor_WalksTheSandboxChain_AndIsAudited()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var status = await FirstDigestAsync(carol);

        var report = await carol.GetFromJsonAsync<JsonElement>("/api/integrity/verify");
        var audit = await carol.GetFromJsonAsync<JsonElement>("/api/audit?action=integrity.verify&outcome=Succeeded");

        Assert.StartsWith("portal-digests/", status.GetProperty("lastDigestKey").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("arn:aws:kms:", status.GetProperty("keyArn").GetString(), StringComparison.Ordinal);
        Assert.True(report.GetProperty("verified").GetBoolean(), report.GetProperty("problems").GetRawText());
        Assert.True(report.GetProperty("digests").GetInt32() >= 1);
        Assert.Equal("1970-01-01T00:00:00+00:00", report.GetProperty("coveredFrom").GetString()); // the first digest covers all before it
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("actor").GetString() == "carol");
    }

    [Fact]
    public async Task Verify_RefusesBadRanges_AndPeopleWhoAreNotAuditors()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        using var dave = _portal.CreateBearerClient("sandbox-dave");

        using var backwards = await carol.GetAsync("/api/integrity/verify?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z");
        using var tooLong = await carol.GetAsync("/api/integrity/verify?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z");
        using var notADate = await carol.GetAsync("/api/integrity/verify?from=yesterday");
        using var forbidden = await dave.GetAsync("/api/integrity/verify");
        using var forbiddenStatus = await dave.GetAsync("/api/integrity");

        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("to", (await backwards.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notADate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenStatus.StatusCode);
    }

    private static async Task<JsonElement> FirstDigestAsync(HttpClient client)
    {
        for (var i = 0; i < 120; i++)
        {
            var writer = (await client.GetFromJsonAsync<JsonElement>("/api/integrity")).GetProperty("writer");
            if (writer.GetProperty("lastDigestKey").ValueKind == JsonValueKind.String)
            {
                return writer;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException("The portal wrote no digest within two minutes.");
    }

    public void Dispose() => _portal.Dispose();
}

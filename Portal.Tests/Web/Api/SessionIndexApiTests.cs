using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Api;

/// <summary>The session index over HTTP: the indexer fills it from the seeded sandbox bucket in moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class SessionIndexApiTests(MotoServerFixture moto) : IDisposable
{
    private readonly PortalWebFactory _portal = new(moto.Endpoint);

    [Fact]
    public async Task List_AsAuditor_PagesTheIndexedSessions()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var total = await SeededSessions.IndexedAsync(carol);

        var page = await carol.GetFromJsonAsync<JsonElement>("/api/sessions?limit=2&sort=size&descending=false");

        Assert.Equal(total, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.True(items[0].GetProperty("size").GetInt64() <= items[1].GetProperty("size").GetInt64());
        Assert.EndsWith(".log", items[0].GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, items[0].GetProperty("flags").ValueKind);
    }

    [Fact]
    public async Task Coverage_ShowsEveryState_TheSandboxSeeds()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        await SeededSessions.IndexedAsync(carol, all: 7); // every seeded transcript (five, one cut short, one forged), or coverage would call the rest missing

        var report = await carol.GetFromJsonAsync<JsonElement>("/api/sessions/coverage");
        using var badDays = await carol.GetAsync("/api/sessions/coverage?days=91");
        var modified = await carol.GetFromJsonAsync<JsonElement>("/api/sessions?integrity=modified");

        var unknown = (await carol.GetFromJsonAsync<JsonElement>("/api/sessions?coverage=unknown-origin")).GetProperty("items").EnumerateArray().ToList();
        using var noTranscripts = await carol.GetAsync("/api/sessions?coverage=missing");
        using var badCoverage = await carol.GetAsync("/api/sessions?coverage=lost");
        Assert.Equal(
            report.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("state").GetString() == "unknown-origin").Select(i => i.GetProperty("sessionId").GetString()).Order(StringComparer.Ordinal),
            unknown.Select(i => i.GetProperty("sessionId").GetString()).Order(StringComparer.Ordinal));
        Assert.NotEmpty(unknown);
        Assert.Equal(HttpStatusCode.BadRequest, noTranscripts.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCoverage.StatusCode);

        var ninety = (await carol.GetFromJsonAsync<JsonElement>("/api/sessions/coverage?days=90")).GetProperty("items").EnumerateArray().ToList();
        var longAgo = ninety.Single(i => i.GetProperty("sessionId").GetString() == Portal.Core.Sandbox.SandboxSeeder.LongAgoSessionId);
        Assert.Equal(("missing", "SSM-SessionManagerRunShell"), (longAgo.GetProperty("state").GetString(), longAgo.GetProperty("documentName").GetString())); // from CloudTrail alone
        Assert.DoesNotContain(report.GetProperty("items").EnumerateArray(), i => i.GetProperty("sessionId").GetString() == Portal.Core.Sandbox.SandboxSeeder.LongAgoSessionId);

        var items = report.GetProperty("items").EnumerateArray().ToList();
        string State(string id) => items.Single(i => i.GetProperty("sessionId").GetString() == id).GetProperty("state").GetString()!;
        Assert.Equal("missing", State("dave-0f1e2d3c4b5a69788"));
        Assert.Equal("not-recorded-by-design", State("bob-0a9b8c7d6e5f40312"));
        Assert.Contains(items, i => i.GetProperty("state").GetString() == "unknown-origin" && i.GetProperty("sessionId").GetString()!.StartsWith("alice-", StringComparison.Ordinal) && i.GetProperty("owner").ValueKind == JsonValueKind.Null);
        Assert.Contains(items, i => i.GetProperty("state").GetString() == "truncated" && i.GetProperty("sessionId").GetString()!.StartsWith("carol-", StringComparison.Ordinal));
        Assert.Contains(items, i => i.GetProperty("state").GetString() == "recorded" && i.GetProperty("owner").GetString()!.StartsWith("arn:aws:iam::", StringComparison.Ordinal));
        var tampered = modified.GetProperty("items")[0].GetProperty("sessionId").GetString();
        Assert.Equal("modified", State(tampered!));
        // Other tests in this moto start and end shell sessions with no transcript: they are missing too.
        var held = items.Count(i => i.GetProperty("state").GetString() is "recorded" or "truncated" or "modified");
        var missing = items.Count(i => i.GetProperty("state").GetString() == "missing");
        Assert.Equal(held / (double)(held + missing), report.GetProperty("recordedShare").GetDouble(), 6);
        Assert.All(items, i => Assert.True(i.TryGetProperty("documentName", out _) && i.TryGetProperty("startedAt", out _) && i.TryGetProperty("endedAt", out _) && i.TryGetProperty("target", out _)));
        Assert.Equal(HttpStatusCode.BadRequest, badDays.StatusCode);
    }

    [Fact]
    public async Task Evidence_OfTheTamperedSession_HoldsTheAgentsBytes_WhoseHashSha256sumConfirms()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        await SeededSessions.IndexedAsync(carol, all: 7);
        var tampered = (await carol.GetFromJsonAsync<JsonElement>("/api/sessions?integrity=modified")).GetProperty("items")[0].GetProperty("sessionId").GetString()!;
        await DigestedAsync(carol, tampered);

        using var response = await carol.GetAsync($"/api/sessions/{tampered}/evidence");
        var folder = Directory.CreateTempSubdirectory("evidence-");
        try
        {
            await using (var zip = await response.Content.ReadAsStreamAsync())
            {
                await System.IO.Compression.ZipFile.ExtractToDirectoryAsync(zip, folder.FullName);
            }

            var session = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, "session.json"))).RootElement;
            var sha256sum = await RunAsync("sha256sum", folder.FullName, "transcript.log");
            var original = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "transcript.log"));
            var later = Directory.GetFiles(Path.Combine(folder.FullName, "versions"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"{session.GetProperty("sha256").GetString()}  transcript.log", sha256sum.Trim());
            Assert.Equal(("modified", tampered), (session.GetProperty("integrity").GetString(), session.GetProperty("sessionId").GetString()));
            Assert.Equal(2, session.GetProperty("s3").GetProperty("versions").GetArrayLength());
            Assert.Contains("sudo", original, StringComparison.Ordinal); // the agent's bytes, not the rewrite
            Assert.DoesNotContain("sudo", await File.ReadAllTextAsync(Assert.Single(later)), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "transcript.html")));
            Assert.Contains("sha256sum transcript.log", await File.ReadAllTextAsync(Path.Combine(folder.FullName, "VERIFY.md")), StringComparison.Ordinal);
            Assert.False(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, "access.json"))).RootElement.GetProperty("covered").GetBoolean());
            var audit = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, "audit.json"))).RootElement;
            Assert.Equal(JsonValueKind.Array, audit.ValueKind);

            // The digests that list the two versions (the agent's in an earlier digest than the rewrite), each checked
            // with openssl as VERIFY.md says.
            var digests = Path.Combine(folder.FullName, "digests");
            var listed = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(digests, "*.json"))
            {
                var digest = Path.GetFileNameWithoutExtension(file);
                var openssl = await RunAsync("openssl", digests, "dgst", "-sha256", "-verify", "public-key.pem", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:auto", "-signature", $"{digest}.sig", $"{digest}.json");
                Assert.Equal("Verified OK", openssl.Trim());
                foreach (var item in JsonDocument.Parse(await File.ReadAllBytesAsync(file)).RootElement.GetProperty("objects").EnumerateArray()
                    .Where(o => o.GetProperty("key").GetString() == session.GetProperty("s3").GetProperty("key").GetString()))
                {
                    listed[item.GetProperty("versionId").GetString()!] = item.GetProperty("sha256").GetString();
                }
            }

            Assert.Equal(session.GetProperty("sha256").GetString(), listed[session.GetProperty("s3").GetProperty("versionId").GetString()!]);
            Assert.Equal(2, listed.Count);
            Assert.Contains("rsa_pss_saltlen:auto", await File.ReadAllTextAsync(Path.Combine(folder.FullName, "VERIFY.md")), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        using var missing = await carol.GetAsync("/api/sessions/nobody-0123456789abcdef0/evidence");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<string> RunAsync(string command, string directory, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [Theory]
    [InlineData("sandbox-dave", HttpStatusCode.Forbidden)]
    [InlineData("sandbox-bob", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Endpoints_WithoutTheAuditRole_AreRefused(string? token, HttpStatusCode status)
    {
        using var client = token is null ? _portal.CreateClient() : _portal.CreateBearerClient(token);

        foreach (var path in new[] { "/api/sessions", "/api/sessions/alice-0123456789abcdef0", "/api/search?q=sudo", "/api/sessions/coverage" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/api/sessions?sort=colour", "sort")]
    [InlineData("/api/sessions?limit=0", "limit")]
    [InlineData("/api/sessions?offset=-1", "offset")]
    [InlineData("/api/sessions?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from")]
    [InlineData("/api/search?q=", "q")]
    [InlineData("/api/search?q=sudo&limit=1000", "limit")]
    [InlineData("/api/search?q=a%0Ab", "q")]
    public async Task BadInput_Is400WithTheFieldNamed(string path, string field)
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");

        using var response = await carol.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task Get_ReturnsMetadataAndCommands_AndIsAudited()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        await SeededSessions.IndexedAsync(carol);
        var sessionId = (await carol.GetFromJsonAsync<JsonElement>("/api/sessions?limit=1&sort=commands")).GetProperty("items")[0].GetProperty("sessionId").GetString();

        var detail = await carol.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");
        var audit = await carol.GetFromJsonAsync<JsonElement>($"/api/audit?action=session.metadata&target={sessionId}");

        Assert.Equal(sessionId, detail.GetProperty("session").GetProperty("sessionId").GetString());
        var commands = detail.GetProperty("commands").EnumerateArray().ToList();
        Assert.Equal(detail.GetProperty("session").GetProperty("commandCount").GetInt32(), commands.Count);
        Assert.Contains(commands, c => c.GetProperty("text").GetString() == "exit");
        Assert.Equal(1, audit.GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("alice-00000000000000000", HttpStatusCode.NotFound)]
    [InlineData("a%20b", HttpStatusCode.BadRequest)]
    public async Task Get_MissingOrInvalid_AnswersProblemDetails(string sessionId, HttpStatusCode status)
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");

        using var response = await carol.GetAsync($"/api/sessions/{sessionId}");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Search_FindsLinesAndSaysWhenItScanned()
    {
        using var carol = _portal.CreateBearerClient("sandbox-carol");
        var total = await SeededSessions.IndexedAsync(carol);

        var exit = await carol.GetFromJsonAsync<JsonElement>("/api/search?q=exit&limit=100");
        var shortQuery = await carol.GetFromJsonAsync<JsonElement>("/api/search?q=ex&limit=100");

        Assert.True(exit.GetProperty("usedIndex").GetBoolean());
        Assert.Equal(total, exit.GetProperty("hits").GetArrayLength()); // Every generated session ends with exit.
        var line = exit.GetProperty("hits")[0].GetProperty("lines")[0];
        Assert.Contains("exit", line.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(line.GetProperty("row").GetInt32() >= 0);
        Assert.False(shortQuery.GetProperty("usedIndex").GetBoolean());
        Assert.Equal(total, shortQuery.GetProperty("hits").GetArrayLength());
    }

    /// <summary>Waits until the portal's digests cover every version of the session's transcript (a minute apart in the sandbox).</summary>
    internal static async Task DigestedAsync(HttpClient client, string sessionId)
    {
        var versions = (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/versions")).EnumerateArray()
            .Select(v => v.GetProperty("lastModified").GetDateTimeOffset()).Max();
        for (var i = 0; i < 120; i++)
        {
            var status = (await client.GetFromJsonAsync<JsonElement>("/api/integrity")).GetProperty("writer");
            if (status.GetProperty("lastIntervalEnd").ValueKind == JsonValueKind.String && status.GetProperty("lastIntervalEnd").GetDateTimeOffset() > versions)
            {
                return;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException($"No digest covered {sessionId} within two minutes.");
    }

    public void Dispose() => _portal.Dispose();
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws.Iam;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Two replicas of the built portal in Production and Aws mode (moto as the AWS endpoint) on one PostgreSQL: tokens
/// issued from the command line, a request made on one replica and approved on the other, one leader per job, and
/// the job moving when its leader stops or hangs. The OpenID Connect provider is configured but does not answer at
/// first; once it does, a person signs in on one replica and the cookie works on the other.
/// </summary>
public sealed class ReplicasTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(1);

    private readonly MotoServerFixture _moto = new();
    private readonly string _database = PostgresCluster.Shared.CreateDatabase();
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"portal-replicas-{Guid.NewGuid():N}");
    private readonly List<PortalProcess> _replicas = [];
    private readonly int _providerPort = FreePort.Next();
    private LocalOidcProvider? _provider;
    private Dictionary<string, string> _settings = default!;
    private string _bastion = default!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        string keyId;
        using (var aws = AwsClients.For(_moto))
        {
            keyId = (await aws.GetRequiredService<IAmazonKeyManagementService>().CreateKeyAsync(new CreateKeyRequest { Description = "portal key ring" })).KeyMetadata.KeyId;
            _bastion = await SetupServices.RunInstanceAsync(aws);
            var iam = aws.GetRequiredService<IIamClient>();
            await iam.CreateUserAsync("dave");
            await Boundaries.PutAsync(iam, "123456789012", "dave");
        }

        _settings = new Dictionary<string, string>
        {
            ["Portal:Aws:Mode"] = "Aws",
            ["Portal:Aws:Region"] = MotoServerFixture.Region,
            ["Portal:Aws:ServiceUrl"] = _moto.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["Portal:Database:Provider"] = "PostgreSQL",
            ["Portal:Database:ConnectionString"] = PostgresCluster.Shared.ConnectionString(_database),
            ["Portal:KeyRing:KmsKeyId"] = keyId,
            ["Portal:Access:Bastions:0"] = _bastion,
            ["Portal:Replica:LeaseTtl"] = LeaseTtl.ToString(),
            ["Portal:Replica:RenewEvery"] = RenewEvery.ToString(),
            // Configured, but nothing listens there yet: the portal starts all the same and its API works with tokens.
            ["Portal:Auth:Oidc:Authority"] = $"http://127.0.0.1:{_providerPort}/",
            ["Portal:Auth:Oidc:ClientId"] = LocalOidcProvider.ClientId,
            ["Portal:Auth:Oidc:ClientSecret"] = LocalOidcProvider.ClientSecret,
            ["Portal:Auth:Oidc:RequireHttpsMetadata"] = "false",
        };
    }

    [Fact]
    public async Task TwoReplicas_ShareTheWork_AndAJobMovesWhenItsLeaderStopsOrHangs()
    {
        // The first Admin needs no browser: the command line migrates the fresh database and prints a token.
        var alice = await IssueAsync("--person", "alice", "--roles", "Admin,Approver", "--days", "1");
        var dave = await IssueAsync("--person", "dave", "--roles", "Requester");

        var a = Start("replica-a");
        var b = Start("replica-b");
        await Task.WhenAll(a.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)), b.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)));
        using var onA = Client(a, alice);
        using var onB = Client(b, alice);

        // Each job has exactly one leader, and both replicas agree which.
        var leaders = await OneLeaderPerJobAsync([onA, onB]);
        Assert.Equal(["access", "digests"], leaders.Keys.Order());
        using (var system = await onA.GetAsync("/api/system"))
        {
            AssertSecurityHeaders(system);
            var body = await system.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("replica-a", body.GetProperty("replica").GetString());
            Assert.Equal("PostgreSQL", body.GetProperty("database").GetProperty("provider").GetString());
        }

        // A request made on one replica is approved on the other, and the grant shows on the first.
        using var daveOnA = Client(a, dave);
        using var filed = await daveOnA.PostAsJsonAsync("/api/access/requests", new { targetInstanceId = _bastion, durationMinutes = 60, reason = "patch openssl" });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var requestId = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using (var approved = await onB.PostAsJsonAsync($"/api/access/requests/{requestId}/approve", new { comment = "ok" }))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        var grants = await daveOnA.GetFromJsonAsync<JsonElement>("/api/access/grants");
        var grant = Assert.Single(grants.EnumerateArray());
        Assert.Equal("active", grant.GetProperty("state").GetString());
        Assert.Equal("dave", grant.GetProperty("principalName").GetString());

        // Pages say sign-in is unavailable while the provider does not answer.
        using (var page = Client(b, null))
        using (var login = await page.GetAsync("/auth/login?returnUrl=/access"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            AssertSecurityHeaders(login);
            Assert.Contains("Sign-in is unavailable", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The provider comes up: a person signs in on one replica, and the cookie (its keys in the database, encrypted
        // with KMS) works on the other. Both replicas are on localhost, so the browser sends it to both, as behind one
        // balancer's name.
        _provider = await LocalOidcProvider.StartAsync([a.BaseAddress, b.BaseAddress], _providerPort);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            await using var browser = await HeadlessChromium.LaunchAsync(playwright);
            var signIn = await HeadlessChromium.NewPageAsync(browser, a.BaseAddress);
            await signIn.GotoAsync("/setup");
            await signIn.FillAsync("#username", "ops.admin");
            await signIn.ClickAsync("#login");
            await signIn.WaitForURLAsync($"{a.BaseAddress}setup");
            await Microsoft.Playwright.Assertions.Expect(signIn.GetByTestId("signed-in-as")).ToContainTextAsync("Olivia Ops · Admin");

            await signIn.GotoAsync($"{b.BaseAddress}setup");
            Assert.Equal($"{b.BaseAddress}setup", signIn.Url);
            await Microsoft.Playwright.Assertions.Expect(signIn.GetByTestId("signed-in-as")).ToContainTextAsync("Olivia Ops · Admin");
        }
        finally
        {
            playwright.Dispose();
        }

        // The leader of "access" hangs (SIGSTOP): the other replica takes the job within the lease and a renewal.
        var (hung, other, otherClient) = leaders["access"] == "replica-a" ? (a, b, onB) : (b, a, onA);
        var clock = Stopwatch.StartNew();
        await hung.SignalAsync("STOP");
        await WaitForLeaderAsync(otherClient, "access", other == a ? "replica-a" : "replica-b");
        output.WriteLine($"After SIGSTOP, the other replica led 'access' in {clock.Elapsed.TotalSeconds:F1} s (lease {LeaseTtl.TotalSeconds} s, renewal {RenewEvery.TotalSeconds} s)");
        Assert.True(clock.Elapsed < LeaseTtl + RenewEvery + TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        // Resumed, it finds it has lost the job; then it is stopped for good and the other leads every job.
        await hung.SignalAsync("CONT");
        await hung.DisposeAsync();
        _replicas.Remove(hung);
        clock.Restart();
        foreach (var job in new[] { "access", "digests" })
        {
            await WaitForLeaderAsync(otherClient, job, other == a ? "replica-a" : "replica-b");
        }

        output.WriteLine($"After the kill, the other replica led every job in {clock.Elapsed.TotalSeconds:F1} s");
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            if (!replica.HasExited)
            {
                await replica.SignalAsync("CONT");
            }

            await replica.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await _moto.DisposeAsync();
        PostgresCluster.Shared.DropDatabase(_database);
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.Contains("Referrer-Policy"));
    }

    private static HttpClient Client(PortalProcess replica, string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true }) { BaseAddress = replica.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Waits until every job has exactly one leader and both replicas name the same one; returns job to leader.</summary>
    private static async Task<Dictionary<string, string>> OneLeaderPerJobAsync(IReadOnlyList<HttpClient> replicas)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var views = new List<JsonElement>();
            foreach (var replica in replicas)
            {
                views.Add(await replica.GetFromJsonAsync<JsonElement>("/api/system"));
            }

            var jobs = views.SelectMany(v => v.GetProperty("workers").EnumerateArray()).GroupBy(w => w.GetProperty("name").GetString()!).ToList();
            var settled = jobs.All(job =>
                job.Count(w => w.GetProperty("leader").GetBoolean()) == 1
                && job.Select(w => w.GetProperty("holder").GetString()).Distinct().Count() == 1);
            if (settled)
            {
                return jobs.ToDictionary(j => j.Key, j => j.First().GetProperty("holder").GetString()!);
            }

            Assert.True(DateTime.UtcNow < deadline, $"No single leader per job within 60 s: {string.Join(" | ", views)}");
            await Task.Delay(500);
        }
    }

    private static async Task WaitForLeaderAsync(HttpClient replica, string job, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = await replica.GetFromJsonAsync<JsonElement>("/api/system");
            var worker = view.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("name").GetString() == job);
            if (worker.GetProperty("leader").GetBoolean() && worker.GetProperty("holder").GetString() == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{expected} did not lead {job} within 60 s: {view}");
            await Task.Delay(250);
        }
    }

    private PortalProcess Start(string name)
    {
        var replica = PortalProcess.Start(new Dictionary<string, string>(_settings) { ["Portal:Replica:Name"] = name }, environment: "Production", dataDirectory: Path.Combine(_data, name), host: "localhost");
        _replicas.Add(replica);
        return replica;
    }

    private async Task<string> IssueAsync(params string[] options)
    {
        var (exit, stdout, stderr) = await PortalProcess.RunCommandAsync(_settings, "Production", Path.Combine(_data, "cli"), ["tokens", "issue", .. options]);
        Assert.True(exit == 0, $"tokens issue exited {exit}:\n{stdout}\n{stderr}");
        var token = stdout.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith("bpt_", token, StringComparison.Ordinal);
        return token;
    }
}

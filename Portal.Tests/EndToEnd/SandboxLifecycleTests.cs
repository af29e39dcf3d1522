using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>What `dotnet run` does with moto: start it, stop it, reset the sandbox database only when moto is fresh.</summary>
[Collection(MotoGroup.Name)]
public sealed class SandboxLifecycleTests(MotoServerFixture moto)
{
    [Fact]
    public async Task Start_WithoutMoto_FailsWithOneClearMessage()
    {
        await using var portal = PortalProcess.Start(new Dictionary<string, string>
        {
            ["Portal:Aws:ServiceUrl"] = $"http://127.0.0.1:{FreePort.Next()}/",
            ["Portal:Sandbox:MotoCommand"] = "/nonexistent/moto_server",
        });

        var exitCode = await portal.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains("The sandbox needs moto, a local AWS emulator, and '/nonexistent/moto_server' could not be started.", portal.Output, StringComparison.Ordinal);
        Assert.Contains("pip install 'moto[server]'", portal.Output, StringComparison.Ordinal);
        Assert.Contains("Portal__Aws__Mode=Aws", portal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", portal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithFreshMoto_ResetsTheSandboxDatabase_ButNotWithARunningOne()
    {
        var endpoint = $"http://127.0.0.1:{FreePort.Next()}/";
        string dataDirectory;
        await using (var first = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:ServiceUrl"] = endpoint, ["Portal:Sandbox:TranscriptCount"] = "3" }))
        {
            await first.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            await IssueTokenAsync(first.BaseAddress, "survives-nothing");
            Assert.Equal(1, await CountTokensAsync(first.BaseAddress));
            dataDirectory = first.KeepDataDirectory();
        }

        // The first portal stopped its moto: the second starts a fresh, empty one, so its database starts fresh too.
        await using (var second = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:ServiceUrl"] = endpoint, ["Portal:Sandbox:TranscriptCount"] = "3" }, dataDirectory: dataDirectory))
        {
            await second.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(0, await CountTokensAsync(second.BaseAddress));
            Assert.Contains("Sandbox database", second.Output, StringComparison.Ordinal);
            second.KeepDataDirectory();
        }

        // Against a moto that was already running (and keeps its state), the database is kept.
        await using (var third = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:ServiceUrl"] = moto.Endpoint.ToString(), ["Portal:Sandbox:TranscriptCount"] = "5" }, dataDirectory: dataDirectory))
        {
            await third.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            await IssueTokenAsync(third.BaseAddress, "kept");
            third.KeepDataDirectory();
        }

        await using var fourth = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:ServiceUrl"] = moto.Endpoint.ToString(), ["Portal:Sandbox:TranscriptCount"] = "5" }, dataDirectory: dataDirectory);
        await fourth.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(1, await CountTokensAsync(fourth.BaseAddress));
        Assert.Contains("using the AWS emulator already answering", fourth.Output, StringComparison.Ordinal);
    }

    private static HttpClient Admin(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-alice");
        return client;
    }

    private static async Task IssueTokenAsync(Uri baseAddress, string name)
    {
        using var admin = Admin(baseAddress);
        using var response = await admin.PostAsJsonAsync("/api/tokens", new { name, role = "Admin", expiresInDays = 1 });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<int> CountTokensAsync(Uri baseAddress)
    {
        using var admin = Admin(baseAddress);
        return (await admin.GetFromJsonAsync<JsonElement>("/api/tokens")).GetArrayLength();
    }
}

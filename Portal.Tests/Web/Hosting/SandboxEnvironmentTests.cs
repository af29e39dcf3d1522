using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Hosting;

/// <summary>The sandbox (password-free sign-in, public tokens) never starts outside Development: the built portal, as run.</summary>
public sealed class SandboxEnvironmentTests
{
    [Fact]
    public async Task Sandbox_InProduction_RefusesToStart_SaysWhy_AndExitsNonZero()
    {
        await using var portal = PortalProcess.Start(new Dictionary<string, string> { ["Portal:Aws:Mode"] = "Sandbox", ["Portal:Aws:ServiceUrl"] = "http://127.0.0.1:9/" }, environment: "Production");

        var exitCode = await portal.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains("Portal:Aws:Mode is Sandbox in the Production environment", portal.Output, StringComparison.Ordinal);
        Assert.Contains("runs only in Development", portal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Sandbox ready", portal.Output, StringComparison.Ordinal);
    }
}

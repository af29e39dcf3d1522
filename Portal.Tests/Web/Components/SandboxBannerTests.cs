using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Common;

namespace Portal.Tests.Web.Components;

public sealed class SandboxBannerTests : PortalBunitContext
{
    [Fact]
    public void Render_InSandbox_ShowsTheBannerWithTheEndpoint()
    {
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new PortalAwsOptions { Mode = AwsMode.Sandbox, ServiceUrl = "http://127.0.0.1:4566" }));

        var banner = Render<SandboxBanner>();

        Assert.Contains("SANDBOX", banner.Find("[data-testid=sandbox-banner]").TextContent, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:4566/", banner.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithRealAccount_ShowsNothing()
    {
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new PortalAwsOptions { Mode = AwsMode.Aws }));

        var banner = Render<SandboxBanner>();

        Assert.Empty(banner.FindAll("[data-testid=sandbox-banner]"));
    }
}

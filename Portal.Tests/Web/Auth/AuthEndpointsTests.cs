using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Web.Auth;

namespace Portal.Tests.Web.Auth;

public sealed class AuthEndpointsTests
{
    [Theory]
    [InlineData("/audit?x=1", "/audit?x=1")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("audit", "/")]
    public void LocalOrRoot_OnlyKeepsLocalPaths(string? returnUrl, string expected) =>
        Assert.Equal(expected, AuthEndpoints.LocalOrRoot(returnUrl));

    [Fact]
    public void Validate_SandboxSignInOutsideSandbox_FailsNamingTheKey()
    {
        var validator = new PortalAuthOptionsValidator(Options.Create(new PortalAwsOptions { Mode = AwsMode.Aws }));

        var result = validator.Validate(null, new PortalAuthOptions { SandboxSignIn = true, Oidc = new OidcSettings { Authority = "https://login.example.com", ClientId = "portal" } });

        Assert.True(result.Failed);
        Assert.Contains("Portal:Auth:SandboxSignIn", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AwsModeWithoutOidc_Fails()
    {
        var validator = new PortalAuthOptionsValidator(Options.Create(new PortalAwsOptions { Mode = AwsMode.Aws }));

        var result = validator.Validate(null, new PortalAuthOptions());

        Assert.True(result.Failed);
        Assert.Contains("Portal:Auth:Oidc:Authority", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownRoleInMappings_Fails()
    {
        var validator = new PortalAuthOptionsValidator(Options.Create(new PortalAwsOptions { Mode = AwsMode.Sandbox }));
        var options = new PortalAuthOptions { Oidc = new OidcSettings { RoleMappings = new() { ["Root"] = ["x"] } } };

        var result = validator.Validate(null, options);

        Assert.Contains("Portal:Auth:Oidc:RoleMappings:Root", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SandboxDefaults_Succeed()
    {
        var validator = new PortalAuthOptionsValidator(Options.Create(new PortalAwsOptions { Mode = AwsMode.Sandbox }));

        Assert.True(validator.Validate(null, new PortalAuthOptions { SandboxSignIn = true }).Succeeded);
    }
}

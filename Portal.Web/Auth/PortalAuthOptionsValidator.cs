using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Identity;

namespace Portal.Web.Auth;

/// <summary>Refuses sign-in settings that would open the portal or lock everyone out, naming the full key.</summary>
internal sealed class PortalAuthOptionsValidator(IOptions<PortalAwsOptions> aws) : IValidateOptions<PortalAuthOptions>
{
    private const string Section = PortalAuthOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PortalAuthOptions options)
    {
        var failures = new List<string>();
        var sandbox = aws.Value.Mode == AwsMode.Sandbox;
        if (options.SandboxSignIn == true && !sandbox)
        {
            failures.Add($"{Section}:SandboxSignIn: the sandbox sign-in page exists only in Sandbox mode ({PortalAwsOptions.SectionName}:Mode is {aws.Value.Mode}); remove the setting.");
        }

        if (options.BadTokensPerMinute is < 1 or > 100_000)
        {
            failures.Add($"{Section}:BadTokensPerMinute: allow 1 to 100,000 invalid tokens per client address and minute.");
        }

        if (options.RoleCheckInterval < TimeSpan.FromSeconds(5) || options.RoleCheckInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}:RoleCheckInterval: between 00:00:05 and 01:00:00 (roles are read again from the provider this often).");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(5) || options.SessionLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"{Section}:SessionLifetime: between 00:05:00 and 7.00:00:00.");
        }

        var oidc = options.Oidc;
        if (!sandbox && !oidc.IsConfigured)
        {
            failures.Add($"{Section}:Oidc:Authority and {Section}:Oidc:ClientId: an OpenID Connect provider is required outside the sandbox.");
        }

        if (!string.IsNullOrWhiteSpace(oidc.Authority) && !Uri.TryCreate(oidc.Authority, UriKind.Absolute, out _))
        {
            failures.Add($"{Section}:Oidc:Authority: '{oidc.Authority}' is not an absolute URL.");
        }

        if (oidc.IsConfigured && string.IsNullOrWhiteSpace(oidc.RoleClaimType))
        {
            failures.Add($"{Section}:Oidc:RoleClaimType: name the claim that carries groups or roles.");
        }

        foreach (var role in oidc.RoleMappings.Keys.Where(r => PortalRoles.Normalize(r) is null))
        {
            failures.Add($"{Section}:Oidc:RoleMappings:{role}: not a portal role; use {string.Join(", ", PortalRoles.All)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

namespace Portal.Web.Auth;

/// <summary>The OpenID Connect provider and how its claims become portal roles. Bound from <c>Portal:Auth:Oidc</c>.</summary>
public sealed class OidcSettings
{
    /// <summary>The issuer URL, for example <c>https://login.example.com/realms/ops</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id registered with the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret; supply it from the environment or a secret store, never from a committed file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes to ask for. Defaults to openid, profile, email.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The claim that names the person. Defaults to <c>preferred_username</c>.</summary>
    public string NameClaimType { get; set; } = "preferred_username";

    /// <summary>The claim whose values decide the roles, for example <c>groups</c>. Defaults to <c>groups</c>.</summary>
    public string RoleClaimType { get; set; } = "groups";

    /// <summary>The claim naming the person's IAM user; defaults to the name claim.</summary>
    public string? IamUserClaimType { get; set; }

    /// <summary>Portal role to the claim values that grant it, for example <c>Admin: [portal-admins]</c>.</summary>
    public Dictionary<string, List<string>> RoleMappings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the provider must be reached over HTTPS. Defaults to true; tests against a local provider may turn it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>True when the provider is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

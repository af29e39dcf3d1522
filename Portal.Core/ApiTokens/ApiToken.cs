namespace Portal.Core.ApiTokens;

/// <summary>The stored form of an API token: its SHA-256 hash, never the token itself.</summary>
internal sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Its portal roles, comma-separated in the order of <see cref="Identity.PortalRoles.All"/>.</summary>
    public required string Roles { get; set; }

    /// <summary>The person it acts as (a bootstrap or automation token); <see langword="null"/> for a named token, which acts as <c>token:NAME</c>.</summary>
    public string? Person { get; set; }

    /// <summary>The IAM user its access requests are for; <see langword="null"/> when it has none.</summary>
    public string? IamUser { get; set; }

    public required string TokenHash { get; set; }

    public required string Prefix { get; set; }

    public required string IssuedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

namespace Portal.Core.ApiTokens;

/// <summary>The stored form of an API token: its SHA-256 hash, never the token itself.</summary>
internal sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    public required string TokenHash { get; set; }

    public required string Prefix { get; set; }

    public required string IssuedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

namespace Portal.Core.ApiTokens;

/// <summary>What the token list shows: never the token, only its first characters.</summary>
public sealed record ApiTokenInfo(Guid Id, string Name, IReadOnlyList<string> Roles, string Prefix, string IssuedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? Person = null, string? IamUser = null)
{
    /// <summary>True when the token can still be used at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

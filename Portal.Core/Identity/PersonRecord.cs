namespace Portal.Core.Identity;

/// <summary>
/// A person who signed in with OpenID Connect, known by issuer and subject. <see cref="Name"/> is the portal's name
/// for them (requests, grants, notices, the audit trail): their user name when first seen, kept when the provider
/// renames them, and never handed to someone else who later gets the same user name.
/// </summary>
internal sealed class PersonRecord
{
    public long Id { get; set; }

    public required string Issuer { get; set; }

    public required string Subject { get; set; }

    public required string Name { get; set; }

    /// <summary>The roles the provider last said, comma-separated.</summary>
    public string Roles { get; set; } = string.Empty;

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When the roles were last read from the provider.</summary>
    public DateTimeOffset RolesCheckedAt { get; set; }

    /// <summary>Set when the provider refused the person's tokens: they must sign in again.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The latest sign-in's tokens, encrypted with the key ring, for reading the roles again.</summary>
    public string? Tokens { get; set; }
}

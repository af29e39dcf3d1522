using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Persistence.KeyRing;

/// <summary>
/// The data-protection key ring (<c>Portal:KeyRing</c>), which signs and encrypts sign-in cookies and antiforgery
/// tokens. It lives in the portal's database, so every replica reads the same keys; with a KMS key each key is
/// encrypted with it before it is stored.
/// </summary>
public sealed class KeyRingOptions
{
    /// <summary>The configuration section, <c>Portal:KeyRing</c>.</summary>
    public const string SectionName = "Portal:KeyRing";

    /// <summary>
    /// The KMS key (id, ARN or <c>alias/...</c>; symmetric, ENCRYPT_DECRYPT) that encrypts each key of the ring at rest.
    /// Required with PostgreSQL outside Development.
    /// </summary>
    [RegularExpression(@"^(alias/[A-Za-z0-9/_\-]{1,250}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:(key|alias)/[A-Za-z0-9/_\-]+)$",
        ErrorMessage = "must be a KMS key id, key ARN, alias name (alias/...) or alias ARN")]
    public string? KmsKeyId { get; set; }
}

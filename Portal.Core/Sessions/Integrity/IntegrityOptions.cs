using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sessions.Integrity;

/// <summary>Signed digests of the log bucket (<c>Portal:Integrity</c>).</summary>
public sealed class IntegrityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Portal:Integrity";

    /// <summary>The alias the setup wizard gives the signing key unless the Admin names another.</summary>
    public const string DefaultKeyAlias = "alias/bastion-portal-digests";

    /// <summary>Write digests at all. On by default; off only where no KMS key can be had.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How much time one digest covers (1 hour; 1 minute in the sandbox). Digests end on multiples of it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Portal:Integrity:DigestInterval must be between 1 minute and 1 day.")]
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after an interval ends its digest is written, so that uploads begun before its end (a multipart upload
    /// takes the time it began as its date) are listed by then (5 minutes; 10 seconds in the sandbox).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Portal:Integrity:Settle must be between 0 and 1 hour.")]
    public TimeSpan Settle { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The asymmetric KMS key (id, ARN or alias) that signs digests when the setup wizard has not named one; the
    /// wizard's own choice (<see cref="Setup.SetupSettings.DigestKeyAlias"/>) wins.
    /// </summary>
    [RegularExpression("^(alias/[a-zA-Z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[a-zA-Z0-9/_-]+|[a-f0-9-]{36}|mrk-[a-f0-9]{32})$", ErrorMessage = "Portal:Integrity:DigestKey must be a KMS key id, key ARN, alias name or alias ARN.")]
    public string DigestKey { get; set; } = DefaultKeyAlias;
}

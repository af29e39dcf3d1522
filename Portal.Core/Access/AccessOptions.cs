using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Access;

/// <summary>Access requests and grants. Bound from <c>Portal:Access</c>.</summary>
public sealed class AccessOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Access";

    /// <summary>The longest grant anyone may ask for or give, in minutes. Defaults to 8 hours; at most 14 days, as AWS's just-in-time access.</summary>
    [Range(15, 20160)]
    public int MaxDurationMinutes { get; set; } = 480;

    /// <summary>How many distinct approvers a request needs. Defaults to 1.</summary>
    [Range(1, 5)]
    public int RequiredApprovals { get; set; } = 1;

    /// <summary>How long a request may wait for a decision before it expires, in hours. Defaults to 24.</summary>
    [Range(1, 720)]
    public int PendingExpiryHours { get; set; } = 24;

    /// <summary>How long before expiry the requester hears that a grant is ending, in minutes. Defaults to 15.</summary>
    [Range(1, 1440)]
    public int ExpiryWarningMinutes { get; set; } = 15;

    /// <summary>How often the portal compares grants with IAM, in minutes. Defaults to 5.</summary>
    [Range(1, 1440)]
    public int ReconcileIntervalMinutes { get; set; } = 5;

    /// <summary>
    /// What the portal does with a live session on a bastion that no active grant covers: end it
    /// (<see cref="EnforceSessionsMode.Terminate"/>, the default) or only report it on the audit trail.
    /// </summary>
    public EnforceSessionsMode EnforceSessions { get; set; } = EnforceSessionsMode.Terminate;

    /// <summary>Break-glass: a person who is both Requester and Approver approving their own request. Off by default.</summary>
    public BreakGlassOptions BreakGlass { get; set; } = new();

    /// <summary>How a portal person is mapped to an IAM user. Defaults to the sign-in claim.</summary>
    public IamMappingOptions IamMapping { get; set; } = new();

    /// <summary>
    /// The managed policy every grantee must carry as their permissions boundary (ADR 0015), when no setup has been
    /// applied (the wizard's choice takes precedence once it has). Defaults to <c>PortalBastionBoundary</c>.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9_+=,.@-]{1,128}$", ErrorMessage = "must be an IAM policy name")]
    public string PermissionsBoundary { get; set; } = Setup.SetupSettings.DefaultBoundaryPolicyName;

    /// <summary>
    /// Bastions grants may target when no setup has been applied (the wizard's bastions take precedence once it has).
    /// </summary>
    public IList<string> Bastions { get; init; } = [];

    /// <summary>
    /// When neither a setup nor <see cref="Bastions"/> names any: the instances whose Name tag is this are the bastions.
    /// Unset by default; the sandbox sets it to its seeded <c>bastion</c>.
    /// </summary>
    [RegularExpression(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$", ErrorMessage = "must be an EC2 tag value")]
    public string? BastionNameTag { get; set; }
}

/// <summary>Break-glass access. Bound from <c>Portal:Access:BreakGlass</c>.</summary>
public sealed class BreakGlassOptions
{
    /// <summary>Whether anyone may approve their own request through break-glass. Defaults to off.</summary>
    public bool Enabled { get; set; }

    /// <summary>The longest break-glass grant, in minutes. Defaults to 60, the most allowed.</summary>
    [Range(5, 60)]
    public int MaxMinutes { get; set; } = 60;
}

/// <summary>Where a person's IAM user name comes from.</summary>
public sealed class IamMappingOptions
{
    /// <summary><see cref="IamMappingMode.Claim"/> (the sign-in's <c>portal:iam_user</c> claim) or <see cref="IamMappingMode.Tag"/> (an IAM user tag).</summary>
    public IamMappingMode Mode { get; set; } = IamMappingMode.Claim;

    /// <summary>With <see cref="IamMappingMode.Tag"/>: the tag whose value is the person's sign-in name or e-mail. Defaults to <c>portal:email</c>.</summary>
    [RegularExpression(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$", ErrorMessage = "must be an IAM tag key")]
    public string TagKey { get; set; } = "portal:email";
}

/// <summary>How a person's IAM user is found.</summary>
public enum IamMappingMode
{
    /// <summary>The sign-in says (the <c>portal:iam_user</c> claim, from OIDC or the sandbox).</summary>
    Claim,

    /// <summary>The IAM user tagged with the person's name or e-mail.</summary>
    Tag,
}

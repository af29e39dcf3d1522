namespace Portal.Core.Identity;

/// <summary>The four portal roles. A person may hold several.</summary>
public static class PortalRoles
{
    /// <summary>Runs the setup wizard and issues API tokens.</summary>
    public const string Admin = "Admin";

    /// <summary>Grants, denies and revokes access.</summary>
    public const string Approver = "Approver";

    /// <summary>Reads transcripts and the audit trail.</summary>
    public const string Auditor = "Auditor";

    /// <summary>Asks for time-bound access to a bastion.</summary>
    public const string Requester = "Requester";

    /// <summary>Every role, in the order the UI lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Approver, Auditor, Requester];

    /// <summary>The role's canonical spelling, or <see langword="null"/> when it is not a portal role.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}

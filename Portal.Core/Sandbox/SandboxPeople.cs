using Portal.Core.Identity;

namespace Portal.Core.Sandbox;

/// <summary>The people seeded into the sandbox; each maps to the IAM user of the same name.</summary>
public static class SandboxPeople
{
    /// <summary>alice (Admin), bob (Approver), carol (Auditor), dave (Requester), erin (Requester and Approver).</summary>
    public static IReadOnlyList<PortalPerson> All { get; } =
    [
        new("alice", "Alice Admin", [PortalRoles.Admin]),
        new("bob", "Bob Approver", [PortalRoles.Approver]),
        new("carol", "Carol Auditor", [PortalRoles.Auditor]),
        new("dave", "Dave Requester", [PortalRoles.Requester]),
        new("erin", "Erin Requester-Approver", [PortalRoles.Requester, PortalRoles.Approver]),
    ];

    /// <summary>The person with that name, or <see langword="null"/>.</summary>
    public static PortalPerson? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}

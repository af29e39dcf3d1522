using Microsoft.AspNetCore.Authorization;
using Portal.Core.Identity;

namespace Portal.Web.Auth;

/// <summary>Who may use which part of the portal. Every page and endpoint names one of these.</summary>
internal static class PortalPolicies
{
    /// <summary>Any portal role: the dashboard, one's own account.</summary>
    public const string AnyRole = nameof(AnyRole);

    /// <summary>Transcripts and the audit trail: Auditors and Admins.</summary>
    public const string Audit = nameof(Audit);

    /// <summary>Access requests and grants: Requesters, Approvers and Admins.</summary>
    public const string Access = nameof(Access);

    /// <summary>Asking for access: Requesters.</summary>
    public const string Request = nameof(Request);

    /// <summary>Deciding requests, granting and revoking: Approvers.</summary>
    public const string Approve = nameof(Approve);

    /// <summary>Reading live sessions on the bastions: Approvers, Admins and Auditors.</summary>
    public const string LiveSessions = nameof(LiveSessions);

    /// <summary>Ending live sessions: Approvers and Admins.</summary>
    public const string EndSessions = nameof(EndSessions);

    /// <summary>What the reconciler found in IAM: Approvers and Admins.</summary>
    public const string AccessFindings = nameof(AccessFindings);

    /// <summary>Setup wizard and API tokens: Admins.</summary>
    public const string Admin = nameof(Admin);

    public static void Configure(AuthorizationOptions options)
    {
        options.AddPolicy(AnyRole, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.All));
        options.AddPolicy(Audit, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Auditor, PortalRoles.Admin));
        options.AddPolicy(Access, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Requester, PortalRoles.Approver, PortalRoles.Admin));
        options.AddPolicy(Request, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Requester));
        options.AddPolicy(Approve, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Approver));
        options.AddPolicy(LiveSessions, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Approver, PortalRoles.Admin, PortalRoles.Auditor));
        options.AddPolicy(EndSessions, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Approver, PortalRoles.Admin));
        options.AddPolicy(AccessFindings, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Approver, PortalRoles.Admin));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Admin));

        // Anything that names no policy still needs a signed-in person with a portal role.
        options.FallbackPolicy = options.GetPolicy(AnyRole);
    }
}

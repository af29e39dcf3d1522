namespace Portal.Core.Audit;

/// <summary>What to write to the audit trail: who did what to which target, and how it ended.</summary>
/// <param name="Actor">The person or token name; <c>system</c> for the portal's own workers.</param>
/// <param name="Action">A dotted verb such as <c>auth.sign-in</c> or <c>token.issue</c>.</param>
/// <param name="Target">What the action was about (a session id, a token name...), when anything.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Detail">A short explanation: the AWS error code, the reason given, the role used.</param>
public sealed record AuditRecord(string Actor, string Action, string? Target, AuditOutcome Outcome, string? Detail = null);

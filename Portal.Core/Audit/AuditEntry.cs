namespace Portal.Core.Audit;

/// <summary>One line of the audit trail as it was written.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string? Target, AuditOutcome Outcome, string? Detail);

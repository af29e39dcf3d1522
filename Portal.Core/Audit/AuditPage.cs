namespace Portal.Core.Audit;

/// <summary>A page of the audit trail and the number of entries matching the filters.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalCount);

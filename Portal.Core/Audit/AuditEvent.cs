namespace Portal.Core.Audit;

/// <summary>The stored form of an audit entry. Rows are only ever inserted.</summary>
internal sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public AuditOutcome Outcome { get; set; }

    public string? Detail { get; set; }
}

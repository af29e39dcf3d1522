namespace Portal.Core.Audit;

/// <summary>The append-only record of everything the portal did or was asked to do.</summary>
public interface IAuditTrail
{
    /// <summary>Appends one entry, stamped with the current time.</summary>
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads entries newest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size or offset is out of range.</exception>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

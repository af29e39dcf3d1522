using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Persistence;

namespace Portal.Core.Audit;

internal sealed partial class AuditTrail(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, ILogger<AuditTrail> logger) : IAuditTrail
{
    private const int MaxText = 2000;

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            Actor = Clip(record.Actor, 256),
            Action = Clip(record.Action, 128),
            Target = record.Target is null ? null : Clip(record.Target, 512),
            Outcome = record.Outcome,
            Detail = record.Detail is null ? null : Clip(record.Detail, MaxText),
        });
        await db.SaveChangesAsync(cancellationToken);
        LogRecorded(logger, record.Actor, record.Action, record.Target, record.Outcome);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, AuditQuery.MaxTake);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Skip);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            events = events.Where(e => e.Actor.Contains(query.Actor));
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            events = events.Where(e => e.Action.StartsWith(query.Action));
        }

        if (!string.IsNullOrWhiteSpace(query.Target))
        {
            events = events.Where(e => e.Target != null && e.Target.Contains(query.Target));
        }

        if (query.Outcome is { } outcome)
        {
            events = events.Where(e => e.Outcome == outcome);
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.OccurredAt >= from);
        }

        if (query.To is { } to)
        {
            events = events.Where(e => e.OccurredAt < to);
        }

        var total = await events.CountAsync(cancellationToken);
        var items = await events
            .OrderByDescending(e => e.Id)
            .Skip(query.Skip)
            .Take(query.Take)
            .Select(e => new AuditEntry(e.Id, e.OccurredAt, e.Actor, e.Action, e.Target, e.Outcome, e.Detail))
            .ToListAsync(cancellationToken);
        return new AuditPage(items, total);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Actor} {Action} {Target}: {Outcome}")]
    private static partial void LogRecorded(ILogger logger, string actor, string action, string? target, AuditOutcome outcome);
}

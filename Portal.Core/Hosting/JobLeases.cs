using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;

namespace Portal.Core.Hosting;

/// <summary>
/// Leases held in the portal's database, one per background job. Taking or renewing one is a single conditional
/// UPDATE (held by me, or expired), so of two replicas racing exactly one wins on PostgreSQL and on SQLite alike.
/// Expiry is judged by the replicas' clocks, which NTP keeps within far less than a lease's 30 seconds.
/// </summary>
internal sealed class JobLeases(IDbContextFactory<PortalDbContext> contexts, ReplicaIdentity replica, TimeProvider time, IOptions<ReplicaOptions> options)
{
    /// <summary>Takes the job's lease, or renews it when this replica holds it; false when another replica holds it.</summary>
    public async Task<bool> TryHoldAsync(string job, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        var me = replica.Name;
        var now = time.GetUtcNow();
        var until = now + options.Value.LeaseTtl;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var taken = await db.Leases
            .Where(l => l.Name == job && (l.Holder == me || l.ExpiresAt < now))
            .ExecuteUpdateAsync(
                u => u.SetProperty(l => l.AcquiredAt, l => l.Holder == me ? l.AcquiredAt : now)
                    .SetProperty(l => l.Holder, me)
                    .SetProperty(l => l.ExpiresAt, until),
                cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.Leases.AnyAsync(l => l.Name == job, cancellationToken))
        {
            return false;
        }

        db.Leases.Add(new JobLease { Name = job, Holder = me, AcquiredAt = now, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another replica made the first lease of this job at the same moment: it holds it.
            return false;
        }
    }

    /// <summary>Gives the lease up, so another replica takes the job at its next try rather than after expiry.</summary>
    public async Task ReleaseAsync(string job, CancellationToken cancellationToken)
    {
        var me = replica.Name;
        var past = time.GetUtcNow().AddTicks(-1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Leases.Where(l => l.Name == job && l.Holder == me).ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, past), cancellationToken);
    }

    /// <summary>Records how the pass that just ended went, if this replica still holds the lease.</summary>
    public async Task RecordRunAsync(string job, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        var me = replica.Name;
        var text = error is { Length: > 2000 } ? error[..2000] : error;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Leases.Where(l => l.Name == job && l.Holder == me)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LastRunAt, at).SetProperty(l => l.LastError, text), cancellationToken);
    }

    /// <summary>Every job's lease as this replica sees it, for <c>/api/system</c>.</summary>
    public async Task<IReadOnlyList<WorkerStatus>> ListAsync(IEnumerable<string> jobs, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var leases = await db.Leases.AsNoTracking().ToDictionaryAsync(l => l.Name, StringComparer.Ordinal, cancellationToken);
        return [.. jobs.Select(job => leases.TryGetValue(job, out var lease)
            ? new WorkerStatus(job, lease.Holder == replica.Name && lease.ExpiresAt > now, lease.ExpiresAt > now ? lease.Holder : null, lease.LastRunAt, lease.LastError)
            : new WorkerStatus(job, false, null, null, null))];
    }
}

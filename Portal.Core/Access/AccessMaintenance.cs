using Microsoft.Extensions.Hosting;
using Portal.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Access;

/// <summary>
/// The clock of access, every 30 seconds on the replica that holds its lease: due grants end (policy and live
/// sessions), people hear of grants ending soon, undecided requests expire, the bastions are swept for sessions no grant
/// covers, and every few minutes IAM is compared with the grants by content (<see cref="IAccessFindings"/>). Each part
/// belongs to its own service; this only calls them in turn.
/// </summary>
internal sealed class AccessMaintenance(
    AccessRequests requests,
    AccessGrants grants,
    SessionEnforcer enforcer,
    AccessFindings findings,
    TimeProvider time,
    IOptions<AccessOptions> options,
    JobLeases leases,
    IOptions<ReplicaOptions> replica,
    IHostApplicationLifetime lifetime,
    ILogger<AccessMaintenance> logger) : LeasedJob(leases, time, replica, lifetime, logger)
{
    private DateTimeOffset _nextReconcile = DateTimeOffset.MinValue;

    public override string Name => "access";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(30);

    /// <summary>Ends due grants, warns of those ending soon, and expires stale requests; returns how many grants ended.</summary>
    internal async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var ended = await grants.ExpireDueAsync(cancellationToken);
        await grants.WarnAsync(cancellationToken);
        await requests.ExpireStaleAsync(cancellationToken);
        return ended;
    }

    /// <summary>Compares IAM with the grants now.</summary>
    internal Task<AccessFindingsReport> ReconcileAsync(CancellationToken cancellationToken) => findings.ReconcileAsync(cancellationToken);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        await ExpireAsync(cancellationToken);
        await enforcer.SweepAsync(cancellationToken);
        if (Time.GetUtcNow() >= _nextReconcile)
        {
            await ReconcileAsync(cancellationToken);
            _nextReconcile = Time.GetUtcNow().AddMinutes(options.Value.ReconcileIntervalMinutes);
        }
    }
}

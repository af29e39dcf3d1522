namespace Portal.Core.Hosting;

/// <summary>The background jobs that run under a lease, as this replica sees them.</summary>
public interface IPortalWorkers
{
    /// <summary>Each job: whether this replica leads it, who does, and how its last pass went.</summary>
    Task<IReadOnlyList<WorkerStatus>> ListAsync(CancellationToken cancellationToken = default);
}

internal sealed class PortalWorkers(IEnumerable<LeasedJob> jobs, JobLeases leases) : IPortalWorkers
{
    public Task<IReadOnlyList<WorkerStatus>> ListAsync(CancellationToken cancellationToken = default) =>
        leases.ListAsync(jobs.Select(j => j.Name), cancellationToken);
}

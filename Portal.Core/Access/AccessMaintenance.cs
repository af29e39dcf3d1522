using Microsoft.Extensions.Hosting;
using Portal.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Access;

/// <summary>
/// The clock of access, every 30 seconds: due grants end (policy and live sessions), people hear of grants ending soon,
/// undecided requests expire, the bastions are swept for sessions no grant covers, and every few minutes IAM is
/// compared with the grants by content (<see cref="IAccessFindings"/>). Each part belongs to its own service; this
/// only calls them in turn, and a pass that fails is logged and tried again on the next tick.
/// </summary>
internal sealed partial class AccessMaintenance(
    AccessRequests requests,
    AccessGrants grants,
    SessionEnforcer enforcer,
    AccessFindings findings,
    TimeProvider time,
    IOptions<AccessOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AccessMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(30);

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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The database is migrated while the host starts; the first pass waits for that.
        if (!await lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var nextReconcile = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireAsync(stoppingToken);
                await enforcer.SweepAsync(stoppingToken);
                if (time.GetUtcNow() >= nextReconcile)
                {
                    await ReconcileAsync(stoppingToken);
                    nextReconcile = time.GetUtcNow().AddMinutes(options.Value.ReconcileIntervalMinutes);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A pass that fails (AWS, the database) is logged and tried again on the next tick; it never stops the portal.
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(Tick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An access maintenance pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}

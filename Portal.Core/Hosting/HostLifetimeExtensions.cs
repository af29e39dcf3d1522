using Microsoft.Extensions.Hosting;

namespace Portal.Core.Hosting;

/// <summary>What the portal's background services share about the host's lifetime.</summary>
public static class HostLifetimeExtensions
{
    /// <summary>
    /// Waits until the host has started (migrations applied; in the sandbox, moto up and seeded), so a background
    /// service's first pass sees what startup prepared.
    /// </summary>
    /// <returns>False when the host is stopping first.</returns>
    public static async Task<bool> WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}

using Microsoft.Extensions.Hosting;

namespace Portal.Tests.TestSupport;

/// <summary>A host that has started and is not stopping: background services begin at once.</summary>
internal sealed class StartedLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted { get; } = new(canceled: true);

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication()
    {
    }
}

using Portal.Core.Setup;

namespace Portal.Tests.TestSupport;

/// <summary>The saved setup held in memory: none until something saves one.</summary>
internal sealed class InMemorySetupStore : ISetupStore
{
    public SavedSetup? Saved { get; set; }

    /// <summary>How many times the setup was read.</summary>
    public int Reads { get; private set; }

    public Task<SavedSetup?> GetAsync(CancellationToken cancellationToken = default)
    {
        Reads++;
        return Task.FromResult(Saved);
    }

    public Task SaveAsync(SetupSettings settings, string savedBy, SetupStatus status, CancellationToken cancellationToken = default)
    {
        Saved = new SavedSetup(settings, DateTimeOffset.UnixEpoch, savedBy, status, DateTimeOffset.UnixEpoch);
        return Task.CompletedTask;
    }

    public Task RecordStatusAsync(SetupStatus status, CancellationToken cancellationToken = default)
    {
        Saved = (Saved ?? throw new InvalidOperationException("Nothing has been saved to record a status for.")) with { Status = status };
        return Task.CompletedTask;
    }
}

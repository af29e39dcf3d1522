using Portal.Core.Setup;

namespace Portal.Tests.TestSupport;

/// <summary>A portal where the wizard has never been applied: the session log location comes from configuration.</summary>
internal sealed class NoSetupStore : ISetupStore
{
    public Task<SavedSetup?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult<SavedSetup?>(null);

    public Task SaveAsync(SetupSettings settings, string savedBy, SetupStatus status, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Nothing is applied in these tests.");

    public Task RecordStatusAsync(SetupStatus status, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Nothing is applied in these tests.");
}

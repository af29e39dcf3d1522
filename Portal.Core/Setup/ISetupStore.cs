namespace Portal.Core.Setup;

/// <summary>
/// The setup the portal keeps in its database: the session browser reads the bucket from it, access grants the
/// bastions and the end-user policy, the dashboard the status.
/// </summary>
public interface ISetupStore
{
    /// <summary>The saved setup, or <see langword="null"/> before the first apply.</summary>
    Task<SavedSetup?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves the settings an apply used, and what it found.</summary>
    Task SaveAsync(SetupSettings settings, string savedBy, SetupStatus status, CancellationToken cancellationToken = default);

    /// <summary>Records what a verify of the saved settings found.</summary>
    Task RecordStatusAsync(SetupStatus status, CancellationToken cancellationToken = default);
}

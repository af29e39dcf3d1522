namespace Portal.Core.Persistence;

/// <summary>Creates and upgrades the portal's database.</summary>
public interface IPortalDatabase
{
    /// <summary>Which database the portal keeps its state in.</summary>
    DatabaseProvider Provider { get; }

    /// <summary>Creates the data folder and applies pending migrations.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the sandbox database so it starts as fresh as a newly started moto.
    /// </summary>
    /// <exception cref="InvalidOperationException">The portal is not in Sandbox mode: a real account's database is never reset.</exception>
    Task ResetSandboxAsync(CancellationToken cancellationToken = default);
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Portal.Core.Persistence;

internal sealed partial class PortalDatabase(DatabaseLocation location, IDbContextFactory<PortalDbContext> contexts, ILogger<PortalDatabase> logger) : IPortalDatabase
{
    public DatabaseProvider Provider => location.Provider;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (location.FilePath is not null && Path.GetDirectoryName(location.FilePath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, location.Description, pending.Count);
    }

    public Task ResetSandboxAsync(CancellationToken cancellationToken = default)
    {
        if (!location.IsSandbox || location.FilePath is null)
        {
            throw new InvalidOperationException("Only the sandbox database can be reset.");
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            if (File.Exists(location.FilePath + suffix))
            {
                File.Delete(location.FilePath + suffix);
            }
        }

        LogReset(logger, location.FilePath);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Location} is up to date ({Applied} migration(s) applied)")]
    private static partial void LogMigrated(ILogger logger, string location, int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox database {Path} reset to match a fresh sandbox")]
    private static partial void LogReset(ILogger logger, string path);
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A migrated database for one test, removed afterwards: an SQLite file in a temporary folder, or a database of its own
/// on the run's throwaway PostgreSQL cluster, each with that provider's migrations.
/// </summary>
internal sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string? _path;
    private readonly string? _postgresDatabase;

    public TestDatabase(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Provider = provider;
        if (provider == DatabaseProvider.PostgreSql)
        {
            _postgresDatabase = PostgresCluster.Shared.CreateDatabase();
            ConnectionString = PostgresCluster.Shared.ConnectionString(_postgresDatabase);
        }
        else
        {
            _path = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");
            ConnectionString = $"Data Source={_path};Pooling=false";
        }

        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public PortalDbContext CreateDbContext() => Provider == DatabaseProvider.PostgreSql
        ? new PostgreSqlPortalDbContext(new DbContextOptionsBuilder<PostgreSqlPortalDbContext>().UseNpgsql(ConnectionString).Options)
        : new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        if (_postgresDatabase is not null)
        {
            PostgresCluster.Shared.DropDatabase(_postgresDatabase);
            return;
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}

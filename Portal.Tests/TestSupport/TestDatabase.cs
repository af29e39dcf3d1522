using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Tests.TestSupport;

/// <summary>A migrated SQLite database in a temporary file, deleted afterwards.</summary>
internal sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");

    public TestDatabase()
    {
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString => $"Data Source={_path};Pooling=false";

    public PortalDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}

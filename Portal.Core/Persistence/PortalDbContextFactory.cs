using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Portal.Core.Persistence;

/// <summary>Contexts for the configured provider: <see cref="PortalDbContext"/> on SQLite, <see cref="PostgreSqlPortalDbContext"/> on PostgreSQL.</summary>
internal sealed class PortalDbContextFactory : IDbContextFactory<PortalDbContext>
{
    private readonly Func<PortalDbContext> _create;

    public PortalDbContextFactory(DatabaseLocation location, ILoggerFactory logging)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Provider == DatabaseProvider.PostgreSql)
        {
            var options = new DbContextOptionsBuilder<PostgreSqlPortalDbContext>().UseNpgsql(location.ConnectionString).UseLoggerFactory(logging).Options;
            _create = () => new PostgreSqlPortalDbContext(options);
        }
        else
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(location.ConnectionString).UseLoggerFactory(logging).Options;
            _create = () => new PortalDbContext(options);
        }
    }

    public PortalDbContext CreateDbContext() => _create();
}

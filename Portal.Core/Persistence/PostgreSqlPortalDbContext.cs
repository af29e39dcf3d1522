using Microsoft.EntityFrameworkCore;

namespace Portal.Core.Persistence;

/// <summary>The portal's model on PostgreSQL, with migrations of its own (PostgreSql/Migrations).</summary>
internal sealed class PostgreSqlPortalDbContext(DbContextOptions<PostgreSqlPortalDbContext> options) : PortalDbContext(options);

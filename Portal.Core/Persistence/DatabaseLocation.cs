using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Core.Aws;

namespace Portal.Core.Persistence;

/// <summary>
/// Resolves the provider and the connection string. The sandbox keeps its own SQLite file, so resetting it can never
/// touch the database of a real account; it refuses PostgreSQL for the same reason.
/// </summary>
internal sealed class DatabaseLocation
{
    public DatabaseLocation(IOptions<PersistenceOptions> persistence, IOptions<PortalAwsOptions> aws, IHostEnvironment environment)
    {
        var options = persistence.Value;
        IsSandbox = aws.Value.Mode == AwsMode.Sandbox;
        Provider = options.ProviderKind;
        var directory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
        if (Provider == DatabaseProvider.PostgreSql)
        {
            if (IsSandbox)
            {
                throw new OptionsValidationException(PersistenceOptions.SectionName, typeof(PersistenceOptions), ["Portal:Database:Provider PostgreSQL is for real accounts: the sandbox resets its database and keeps it in its own SQLite file."]);
            }

            ConnectionString = options.ConnectionString!;
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
            IndexFilePath = Path.Combine(directory, "portal-index.db");
            return;
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            ConnectionString = options.ConnectionString;
            FilePath = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        }
        else
        {
            FilePath = Path.Combine(directory, IsSandbox ? "portal-sandbox.db" : "portal.db");
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = true }.ToString();
        }

        Description = FilePath;
        IndexFilePath = IndexBeside(FilePath);
    }

    /// <summary>Which database.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>
    /// The session index's file: derived data, kept apart from the portal's own state (each replica keeps its own with
    /// PostgreSQL).
    /// </summary>
    public string IndexFilePath { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file; <see langword="null"/> with PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>Where the state is, for logs: the file, or host, port and database (never the password).</summary>
    public string Description { get; }

    public bool IsSandbox { get; }

    private static string IndexBeside(string databaseFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databaseFile)) ?? ".", Path.GetFileNameWithoutExtension(databaseFile) + "-index.db");
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Persistence;

/// <summary>
/// Resolves the connection string. The sandbox keeps its own file, so resetting it can never touch the database of
/// a real account.
/// </summary>
internal sealed class DatabaseLocation
{
    public DatabaseLocation(IOptions<PersistenceOptions> persistence, IOptions<PortalAwsOptions> aws, IHostEnvironment environment)
    {
        var options = persistence.Value;
        IsSandbox = aws.Value.Mode == AwsMode.Sandbox;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            ConnectionString = options.ConnectionString;
            FilePath = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            IndexFilePath = IndexBeside(FilePath);
            return;
        }

        var directory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
        FilePath = Path.Combine(directory, IsSandbox ? "portal-sandbox.db" : "portal.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = true }.ToString();
        IndexFilePath = IndexBeside(FilePath);
    }

    /// <summary>The session index's file: derived data, kept apart from the portal's own state.</summary>
    public string IndexFilePath { get; }

    public string ConnectionString { get; }

    public string FilePath { get; }

    public bool IsSandbox { get; }

    private static string IndexBeside(string databaseFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databaseFile)) ?? ".", Path.GetFileNameWithoutExtension(databaseFile) + "-index.db");
}

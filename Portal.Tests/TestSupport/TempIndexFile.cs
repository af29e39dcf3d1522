using Microsoft.Data.Sqlite;

namespace Portal.Tests.TestSupport;

/// <summary>A session-index file in the temp folder, deleted (with its WAL files) afterwards.</summary>
internal sealed class TempIndexFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"index-test-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}

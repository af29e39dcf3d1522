using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Setup;

internal sealed class SetupStore(IDbContextFactory<PortalDbContext> contexts, TimeProvider time) : ISetupStore
{
    /// <summary>One row: the portal sets up one account and region (several bastions in it).</summary>
    private const int RowId = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<SavedSetup?> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Setups.AsNoTracking().SingleOrDefaultAsync(s => s.Id == RowId, cancellationToken);
        return row is null || JsonSerializer.Deserialize<SetupSettings>(row.SettingsJson, Json) is not { } settings
            ? null
            : new SavedSetup(settings, row.SavedAt, row.SavedBy, row.Status, row.CheckedAt);
    }

    public async Task SaveAsync(SetupSettings settings, string savedBy, SetupStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Setups.SingleOrDefaultAsync(s => s.Id == RowId, cancellationToken);
        if (row is null)
        {
            row = new SetupRecord { Id = RowId };
            db.Setups.Add(row);
        }

        var now = time.GetUtcNow();
        row.SettingsJson = JsonSerializer.Serialize(settings, Json);
        row.SavedAt = now;
        row.SavedBy = savedBy;
        row.Status = status;
        row.CheckedAt = now;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RecordStatusAsync(SetupStatus status, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.Setups.Where(s => s.Id == RowId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status).SetProperty(s => s.CheckedAt, now), cancellationToken);
    }
}

/// <summary>The stored setup: the settings as JSON (they are one document, read and written whole).</summary>
internal sealed class SetupRecord
{
    public int Id { get; set; }

    public string SettingsJson { get; set; } = "{}";

    public DateTimeOffset SavedAt { get; set; }

    public string SavedBy { get; set; } = string.Empty;

    public SetupStatus Status { get; set; }

    public DateTimeOffset CheckedAt { get; set; }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Audit;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Audit;

/// <summary>The audit trail on SQLite.</summary>
public sealed class SqliteAuditTrailTests() : AuditTrailTests(DatabaseProvider.Sqlite);

/// <summary>The audit trail on PostgreSQL (a throwaway cluster).</summary>
public sealed class PostgreSqlAuditTrailTests() : AuditTrailTests(DatabaseProvider.PostgreSql);

/// <summary>The audit trail, the same on each provider: queries, and a trail nobody can change, not even with raw SQL.</summary>
public abstract class AuditTrailTests : IDisposable
{
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly AuditTrail _audit;

    private protected AuditTrailTests(DatabaseProvider provider)
    {
        _database = new TestDatabase(provider);
        _audit = new AuditTrail(_database, _time, NullLogger<AuditTrail>.Instance);
    }

    [Fact]
    public async Task QueryAsync_NoFilters_NewestFirstWithTotal()
    {
        await _audit.RecordAsync(new AuditRecord("alice", "auth.sign-in", null, AuditOutcome.Succeeded));
        _time.Advance(TimeSpan.FromMinutes(1));
        await _audit.RecordAsync(new AuditRecord("bob", "token.issue", "ci", AuditOutcome.Succeeded, "role Auditor"));

        var page = await _audit.QueryAsync(new AuditQuery { Take = 1 });

        Assert.Equal(2, page.TotalCount);
        var entry = Assert.Single(page.Items);
        Assert.Equal("bob", entry.Actor);
        Assert.Equal("ci", entry.Target);
        Assert.Equal(_time.GetUtcNow(), entry.OccurredAt);
    }

    [Fact]
    public async Task QueryAsync_Filters_CombineActorActionOutcomeAndTime()
    {
        await _audit.RecordAsync(new AuditRecord("alice", "auth.sign-in", null, AuditOutcome.Succeeded));
        var cutoff = _time.GetUtcNow().AddSeconds(30);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _audit.RecordAsync(new AuditRecord("alice", "auth.sign-out", null, AuditOutcome.Succeeded));
        await _audit.RecordAsync(new AuditRecord("mallory", "auth.sign-in", null, AuditOutcome.Denied));
        await _audit.RecordAsync(new AuditRecord("alice", "token.issue", "x", AuditOutcome.Succeeded));

        var byAction = await _audit.QueryAsync(new AuditQuery { Actor = "ali", Action = "auth." });
        var denied = await _audit.QueryAsync(new AuditQuery { Outcome = AuditOutcome.Denied });
        var later = await _audit.QueryAsync(new AuditQuery { From = cutoff, Actor = "alice" });
        var earlier = await _audit.QueryAsync(new AuditQuery { To = cutoff });

        Assert.Equal(["auth.sign-out", "auth.sign-in"], byAction.Items.Select(e => e.Action));
        Assert.Equal("mallory", Assert.Single(denied.Items).Actor);
        Assert.Equal(2, later.TotalCount);
        Assert.Equal("auth.sign-in", Assert.Single(earlier.Items).Action);
    }

    [Fact]
    public async Task SaveChanges_ModifyingAnEntry_IsRefused()
    {
        await _audit.RecordAsync(new AuditRecord("alice", "auth.sign-in", null, AuditOutcome.Succeeded));
        await using var db = _database.CreateDbContext();
        var entry = await db.AuditEvents.SingleAsync();
        entry.Actor = "mallory";

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Database_RawUpdateOrDelete_IsAbortedByTrigger()
    {
        await _audit.RecordAsync(new AuditRecord("alice", "auth.sign-in", null, AuditOutcome.Succeeded));
        await using var db = _database.CreateDbContext();

        var update = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Actor" = 'mallory'"""));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEvents" """));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(AuditQuery.MaxTake + 1, 0)]
    [InlineData(10, -1)]
    public async Task QueryAsync_PageOutOfRange_Throws(int take, int skip) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _audit.QueryAsync(new AuditQuery { Take = take, Skip = skip }));

    public void Dispose() => _database.Dispose();
}

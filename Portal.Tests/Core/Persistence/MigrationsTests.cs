using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Persistence;

/// <summary>Each provider's migrations create the whole model: a model change without a migration for both fails here.</summary>
public sealed class MigrationsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Migrations_OfEachProvider_MatchTheModel_AndLeaveNothingPending(DatabaseProvider provider)
    {
        using var database = new TestDatabase(provider);
        await using var db = database.CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changed since the last {provider} migration: add one with --context {db.GetType().Name}.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }
}

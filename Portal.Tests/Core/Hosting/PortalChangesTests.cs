using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Hosting;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Portal.Tests.Core.Hosting;

/// <summary>Changes followed across replicas on SQLite.</summary>
public sealed class SqlitePortalChangesTests() : PortalChangesTests(DatabaseProvider.Sqlite);

/// <summary>Changes followed across replicas on PostgreSQL (a throwaway cluster).</summary>
public sealed class PostgreSqlPortalChangesTests() : PortalChangesTests(DatabaseProvider.PostgreSql);

public abstract class PortalChangesTests : IDisposable
{
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private protected PortalChangesTests(DatabaseProvider provider) => _database = new TestDatabase(provider);

    [Fact]
    public async Task AChangeOnOneReplica_IsHeardAtOnceThere_AndOnceOnTheOtherAtItsNextPoll()
    {
        var a = Replica();
        var b = Replica();
        var heardOnA = new List<ChangeTopic>();
        var heardOnB = new List<ChangeTopic>();
        a.Changed += heardOnA.Add;
        b.Changed += heardOnB.Add;
        await b.PollAsync(default); // b learns where the counters stand: nothing yet

        await a.TouchAsync(ChangeTopic.Access);
        await a.TouchAsync(ChangeTopic.Access);
        Assert.Equal([ChangeTopic.Access, ChangeTopic.Access], heardOnA);
        Assert.Empty(heardOnB);
        await b.PollAsync(default);
        await b.PollAsync(default);
        Assert.Equal([ChangeTopic.Access], heardOnB); // two changes between polls make one event; a poll with none, none

        await a.TouchAsync(ChangeTopic.Notices);
        await b.PollAsync(default);
        Assert.Equal([ChangeTopic.Access, ChangeTopic.Notices], heardOnB);
    }

    [Fact]
    public async Task AFailingHandler_DoesNotKeepTheOthersFromHearing()
    {
        var a = Replica();
        var heard = 0;
        a.Changed += _ => throw new InvalidOperationException("a page that failed");
        a.Changed += _ => heard++;

        await a.TouchAsync(ChangeTopic.Notices);

        Assert.Equal(1, heard);
    }

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    private PortalChanges Replica() =>
        new(_database, _time, MsOptions.Create(new ReplicaOptions()), new StartedLifetime(), NullLogger<PortalChanges>.Instance);
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Hosting;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Portal.Tests.Core.Hosting;

/// <summary>Leases and leased jobs on SQLite.</summary>
public sealed class SqliteJobLeaseTests() : JobLeaseTests(DatabaseProvider.Sqlite);

/// <summary>Leases and leased jobs on PostgreSQL (a throwaway cluster), where replicas really race.</summary>
public sealed class PostgreSqlJobLeaseTests() : JobLeaseTests(DatabaseProvider.PostgreSql);

public abstract class JobLeaseTests : IDisposable
{
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private protected JobLeaseTests(DatabaseProvider provider) => _database = new TestDatabase(provider);

    [Fact]
    public async Task OneReplicaHoldsTheLease_TheOtherTakesItOnlyOnceItHasExpired()
    {
        var a = Leases("a");
        var b = Leases("b");

        Assert.True(await a.TryHoldAsync("access", default));
        Assert.False(await b.TryHoldAsync("access", default));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await a.TryHoldAsync("access", default)); // renewed: 30 s from now
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(await b.TryHoldAsync("access", default));
        _time.Advance(TimeSpan.FromSeconds(11)); // a stopped renewing 31 s ago

        Assert.True(await b.TryHoldAsync("access", default));
        Assert.False(await a.TryHoldAsync("access", default));
        var seen = Assert.Single(await a.ListAsync(["access"], default));
        Assert.Equal(new WorkerStatus("access", false, "b", null, null), seen);
    }

    [Fact]
    public async Task Released_TheOtherTakesItAtOnce_AndEveryReplicaSeesTheLastRun()
    {
        var a = Leases("a");
        var b = Leases("b");
        Assert.True(await a.TryHoldAsync("digests", default));
        await a.RecordRunAsync("digests", _time.GetUtcNow(), "kms Sign: AccessDeniedException: no", default);

        await a.ReleaseAsync("digests", default);

        Assert.True(await b.TryHoldAsync("digests", default));
        var seen = await a.ListAsync(["digests", "never-ran"], default);
        Assert.Equal(
            [
                new WorkerStatus("digests", false, "b", _time.GetUtcNow(), "kms Sign: AccessDeniedException: no"),
                new WorkerStatus("never-ran", false, null, null, null),
            ],
            seen);
        Assert.True(Assert.Single(await b.ListAsync(["digests"], default)).Leader);
    }

    [Fact]
    public async Task ReplicasRacingForANewJob_ExactlyOneWins()
    {
        var replicas = Enumerable.Range(0, 8).Select(i => Leases($"r{i}")).ToList();

        var won = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.TryHoldAsync("race", default))));

        Assert.Equal(1, won.Count(w => w));
    }

    [Fact]
    public async Task TwoReplicasRunningAJob_OnlyTheLeaderRunsPasses_AndTheOtherTakesOverWhenItStops()
    {
        var options = Fast();
        await using var a = new CountingJob(Leases("a", options, TimeProvider.System), options);
        await using var b = new CountingJob(Leases("b", options, TimeProvider.System), options);
        await a.StartAsync(default);
        await Eventually(() => a.Passes > 0, "a takes the job");
        await b.StartAsync(default);
        await Task.Delay(options.LeaseTtl * 2);
        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);
        Assert.Equal(0, b.Passes);

        await a.StopAsync(default);

        await Eventually(() => b.Passes > 0, "b takes over once a has stopped and released the lease");
        Assert.True(b.IsLeader);
    }

    [Fact]
    public async Task ALeaderWhosePassHangs_LosesTheJob_ToAnotherReplica()
    {
        var options = Fast();
        options.MaxPass = TimeSpan.FromSeconds(2);
        using var hang = new ManualResetEventSlim();
        await using var a = new CountingJob(Leases("a", options, TimeProvider.System), options, _ => hang.Wait(CancellationToken.None)); // ignores cancellation
        await using var b = new CountingJob(Leases("b", options, TimeProvider.System), options);
        try
        {
            await a.StartAsync(default);
            await Eventually(() => a.Passes > 0, "a starts a pass");
            await b.StartAsync(default);

            await Eventually(() => b.Passes > 0, "b runs the job while a's pass hangs");
            Assert.Equal(1, a.Passes);
        }
        finally
        {
            hang.Set();
        }
    }

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    private static ReplicaOptions Fast() => new() { LeaseTtl = TimeSpan.FromSeconds(1), RenewEvery = TimeSpan.FromMilliseconds(200) };

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out: {what}");
            await Task.Delay(50);
        }
    }

    private JobLeases Leases(string replica, ReplicaOptions? options = null, TimeProvider? time = null)
    {
        options ??= new ReplicaOptions();
        var copy = new ReplicaOptions { Name = replica, LeaseTtl = options.LeaseTtl, RenewEvery = options.RenewEvery, MaxPass = options.MaxPass };
        return new JobLeases(_database, new ReplicaIdentity(MsOptions.Create(copy)), time ?? _time, MsOptions.Create(copy));
    }

    /// <summary>A job that counts its passes; <paramref name="pass"/> runs inside each.</summary>
    private sealed class CountingJob(JobLeases leases, ReplicaOptions options, Action<CancellationToken>? pass = null)
        : LeasedJob(leases, TimeProvider.System, MsOptions.Create(options), new StartedLifetime(), NullLogger.Instance), IAsyncDisposable
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        public override string Name => "counting";

        protected override TimeSpan Interval => TimeSpan.FromMilliseconds(100);

        public async ValueTask DisposeAsync()
        {
            await StopAsync(default);
            Dispose();
        }

        protected override Task RunPassAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _passes);
            if (pass is not null)
            {
                return Task.Run(() => pass(cancellationToken), CancellationToken.None);
            }

            return Task.CompletedTask;
        }
    }
}

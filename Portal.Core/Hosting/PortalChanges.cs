using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;

namespace Portal.Core.Hosting;

/// <summary>What changed, for pages that show it.</summary>
public enum ChangeTopic
{
    /// <summary>Requests, decisions and grants.</summary>
    Access,

    /// <summary>Notices (the bell).</summary>
    Notices,
}

/// <summary>
/// Tells open pages that something they show has changed, on whichever replica it changed. A page subscribes to
/// <see cref="Changed"/> and reads again; the event carries no data, so nothing a page shows comes from another
/// replica's memory.
/// </summary>
public interface IPortalChanges
{
    /// <summary>Raised on a thread-pool thread, at most once per topic per poll, and at once for changes made here.</summary>
    event Action<ChangeTopic>? Changed;
}

/// <summary>
/// One counter per topic in the database: a change bumps it (after the change itself is saved), and every replica
/// reads the counters every <see cref="ReplicaOptions.ChangePoll"/> (one small query per replica, not per page) and
/// raises <see cref="IPortalChanges.Changed"/> for those that moved.
/// </summary>
internal sealed partial class PortalChanges(
    IDbContextFactory<PortalDbContext> contexts,
    TimeProvider time,
    IOptions<ReplicaOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<PortalChanges> logger) : BackgroundService, IPortalChanges
{
    private readonly Dictionary<ChangeTopic, long> _seen = [];
    private bool _primed;

    public event Action<ChangeTopic>? Changed;

    /// <summary>Records that <paramref name="topic"/> changed; pages here hear of it now, pages elsewhere within a poll.</summary>
    public async Task TouchAsync(ChangeTopic topic, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (await db.Changes.Where(c => c.Topic == topic).ExecuteUpdateAsync(u => u.SetProperty(c => c.Version, c => c.Version + 1).SetProperty(c => c.ChangedAt, now), cancellationToken) == 0)
            {
                db.Changes.Add(new ChangeCounter { Topic = topic, Version = 1, ChangedAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change itself is saved: a counter that cannot be bumped (two replicas making the first one at once,
            // the database briefly away) never fails the action; pages elsewhere hear of the next change.
            LogTouchFailed(logger, topic, ex);
        }

        Raise(topic);
    }

    /// <summary>Reads the counters once and raises <see cref="Changed"/> for those that moved since the last read.</summary>
    internal async Task PollAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counters = await db.Changes.AsNoTracking().ToListAsync(cancellationToken);
        var first = !_primed;
        _primed = true;
        foreach (var counter in counters)
        {
            bool moved;
            lock (_seen)
            {
                // The first read only learns where the counters stand; after it, a counter that moved or appeared is news.
                moved = !first && (!_seen.TryGetValue(counter.Topic, out var seen) || seen != counter.Version);
                _seen[counter.Topic] = counter.Version;
            }

            if (moved)
            {
                Raise(counter.Topic);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ChangePoll, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Raise(ChangeTopic topic)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<ChangeTopic>)handler)(topic);
            }
            catch (Exception ex)
            {
                // One page's failure must not keep the others from hearing.
                LogHandlerFailed(logger, topic, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change counter of {Topic} could not be bumped; pages on other replicas follow at the next change")]
    private static partial void LogTouchFailed(ILogger logger, ChangeTopic topic, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the change counters failed; pages follow other replicas again when it answers")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A page's handler of a {Topic} change failed")]
    private static partial void LogHandlerFailed(ILogger logger, ChangeTopic topic, Exception exception);
}

/// <summary>The stored counter of one <see cref="ChangeTopic"/>.</summary>
internal sealed class ChangeCounter
{
    public ChangeTopic Topic { get; set; }

    public long Version { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

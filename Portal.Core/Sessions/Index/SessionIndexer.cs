using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Portal.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions.Index;

/// <summary>
/// Keeps the index in step with the log bucket: every <see cref="SessionIndexOptions.PollInterval"/> it lists the
/// prefix, forgets what is gone, and renders and indexes what is new or changed (by ETag and size), newest first,
/// on <see cref="SessionIndexOptions.Parallelism"/> workers with one writer. A transcript that fails is indexed with
/// its error and never stops the others; a pass that fails (S3 refusing the listing) is retried at the next interval.
/// </summary>
internal sealed partial class SessionIndexer(
    SessionIndex index,
    ISessionLogStore store,
    ITranscriptObjects objects,
    ICommandExtractor commands,
    ISessionHistory history,
    ISessionLogLocation logLocation,
    IOptions<SessionIndexOptions> options,
    IOptions<SessionFlagOptions> flagOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SessionIndexer> logger,
    RenderBudget? budget = null) : BackgroundService, ISessionIndexStatus
{
    private const int WriteBatch = TrigramSegments.MaxSegment;
    private static readonly TimeSpan BatchWait = TimeSpan.FromSeconds(2);
    private const int HistorySessions = 10_000;
    private static readonly TimeSpan HistoryRetry = TimeSpan.FromHours(1);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private SessionIndexProgress _current = new(SessionIndexState.Starting, 0, 0, 0, 0, 0, null, null, null);
    private DateTimeOffset _reportedAt;
    private volatile bool _rebuild;
    private DateTimeOffset _historyUnavailableUntil;

    public SessionIndexProgress Current => _current;

    public event Action<SessionIndexProgress>? Changed;

    public void RequestPass() => Wake();

    public void RequestRebuild()
    {
        _rebuild = true;
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            Report(_current with { State = SessionIndexState.Disabled, Sessions = await index.CountAsync(stoppingToken) }, force: true);
            return;
        }

        // The host starts first: migrations, and in the sandbox moto and its seeded bucket.
        if (!await lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        _ = WarmTextFilterAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            await RunPassAsync(stoppingToken);
            try
            {
                await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Reads the list's text filter catalog beside the first pass (a few seconds at 100,000 sessions), so the first
    /// person to filter by text does not wait for it. A failure is logged; the first filter then reads it.
    /// </summary>
    private async Task WarmTextFilterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.WarmTextFilterAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTextFilterNotRead(logger, ex);
        }
    }

    /// <summary>One pass: list, forget what is gone, index what is new or changed. Never throws but for cancellation.</summary>
    internal async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var location = await logLocation.GetAsync(cancellationToken);
        if (location is null)
        {
            Report(_current with { State = SessionIndexState.NotConfigured }, force: true);
            return;
        }

        var started = time.GetUtcNow();
        try
        {
            var source = location.ToString();
            if (_rebuild || await index.SourceAsync(cancellationToken) != source)
            {
                _rebuild = false;
                await index.ClearAsync(source, cancellationToken);
            }

            Report(new SessionIndexProgress(SessionIndexState.Listing, await index.CountAsync(cancellationToken), 0, 0, 0, 0, started, _current.LastPassAt, null), force: true);
            var listed = await ListAllAsync(cancellationToken);
            var known = await index.KnownObjectsAsync(cancellationToken);
            await index.DeleteAsync([.. known.Keys.Where(key => !listed.ContainsKey(key))], cancellationToken);
            var todo = listed.Values
                .Where(o => !known.TryGetValue(o.Key, out var k) || k.Size != o.Size || (o.ETag is not null && k.ETag != o.ETag) || k.Versions != o.Versions)
                .OrderByDescending(o => o.LastModified)
                .ToList();

            Report(_current with { State = SessionIndexState.Indexing, Sessions = listed.Count - todo.Count, Pending = todo.Count }, force: true);
            if (todo.Count > 0)
            {
                await IndexAsync(todo, await HistoryAsync(cancellationToken), cancellationToken);
            }

            var finished = time.GetUtcNow();
            LogPass(logger, todo.Count, _current.Failed, (finished - started).TotalSeconds);
            Report(_current with { State = SessionIndexState.Idle, Sessions = await index.CountAsync(cancellationToken), Pending = 0, LastPassAt = finished, LastError = null }, force: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (AwsApiException ex)
        {
            LogPassFailed(logger, ex.ErrorCode, ex.AwsMessage);
            Report(_current with { State = SessionIndexState.Failed, LastError = $"S3 answered {ex.ErrorCode}: {ex.AwsMessage}" }, force: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPassCrashed(logger, ex);
            Report(_current with { State = SessionIndexState.Failed, LastError = ex.Message }, force: true);
        }
    }

    private async Task<Dictionary<string, SessionLogObject>> ListAllAsync(CancellationToken cancellationToken)
    {
        var listed = new Dictionary<string, SessionLogObject>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.ListAsync(token, 1000, cancellationToken);
            foreach (var item in page.Items)
            {
                listed[item.Key] = listed.TryGetValue(item.Key, out var earlier) ? S3SessionLogStore.Merge(earlier, item) : item;
            }

            token = page.NextToken;
        }
        while (token is not null);

        // A key with delete markers only has no first version left to read: it is gone.
        foreach (var gone in listed.Values.Where(o => o.LastModified is null && o.VersionId is null && o.Altered).Select(o => o.Key).ToList())
        {
            listed.Remove(gone);
        }

        return listed;
    }

    /// <summary>
    /// Session Manager's own record of recent sessions (owner, instance, start and end), where it answers. The
    /// sandbox's moto does not implement DescribeSessions and a role may lack the permission: then the transcripts
    /// alone say what they can, and the question is asked again an hour later.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, SessionHistoryEntry>> HistoryAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < _historyUnavailableUntil)
        {
            return new Dictionary<string, SessionHistoryEntry>();
        }

        try
        {
            return await history.RecentAsync(HistorySessions, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            _historyUnavailableUntil = time.GetUtcNow() + HistoryRetry;
            LogHistoryUnavailable(logger, ex.ErrorCode, ex.AwsMessage);
            return new Dictionary<string, SessionHistoryEntry>();
        }
    }

    private async Task IndexAsync(List<SessionLogObject> todo, IReadOnlyDictionary<string, SessionHistoryEntry> recent, CancellationToken cancellationToken)
    {
        var parallelism = options.Value.Parallelism;
        // Room for two full batches, so the workers keep going while the writer writes one.
        var indexed = Channel.CreateBounded<IndexedTranscript>(new BoundedChannelOptions(WriteBatch * 2) { SingleReader = true });
        var indexing = new TranscriptIndexing(commands, [.. flagOptions.Value.Flags.Keys], budget);
        var next = -1;
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(
            async () =>
            {
                var trigrams = new Trigrams();
                int i;
                while ((i = Interlocked.Increment(ref next)) < todo.Count)
                {
                    var (transcript, deferred) = await ReadAndIndexAsync(todo[i], indexing, trigrams, recent.GetValueOrDefault(todo[i].SessionId), cancellationToken);
                    if (transcript is not null)
                    {
                        await indexed.Writer.WriteAsync(transcript, cancellationToken);
                    }
                    else
                    {
                        if (deferred)
                        {
                            // Every render together had spent the budget: not this transcript's doing, so it is not
                            // recorded; the next pass (soon) indexes it.
                            LogDeferred(logger, todo[i].Key);
                            RequestPass();
                        }

                        Progress(0, failed: false, gone: true);
                    }
                }
            },
            cancellationToken)).ToList();
        // If the writer fails (the disk is full, say), the channel closes with its error so no worker waits forever
        // on a full channel, and the writer's error is the one the pass reports.
        var writer = WriteAllAsync(indexed.Reader, cancellationToken);
        _ = writer.ContinueWith(t => indexed.Writer.TryComplete(t.Exception), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(workers);
        }
        catch (ChannelClosedException) when (writer.IsFaulted)
        {
            // The workers stopped because the writer did; its error follows.
        }
        finally
        {
            indexed.Writer.TryComplete();
        }

        await writer;
    }

    /// <summary>The object indexed; or none, because it is gone, or <paramref name="item"/> is deferred (the render budget was spent).</summary>
    private async Task<(IndexedTranscript? Transcript, bool Deferred)> ReadAndIndexAsync(SessionLogObject item, TranscriptIndexing indexing, Trigrams trigrams, SessionHistoryEntry? entry, CancellationToken cancellationToken)
    {
        try
        {
            var content = await objects.ReadAsync(item.Key, options.Value.MaxTranscriptBytes, item.VersionId, cancellationToken);
            if (content is null)
            {
                return (null, false);
            }

            return (indexing.Index(content, trigrams, entry, item), false);
        }
        catch (RenderBudgetExceededException)
        {
            return (null, true);
        }
        catch (AwsApiException ex)
        {
            // Listed but not readable (AccessDenied on one object, a KMS key it may not use): keep it visible.
            var summary = new SessionSummary(item.SessionId, item.Key, item.Principal, entry?.Owner, entry?.Target, entry?.StartedAt, entry?.EndedAt ?? item.LastModified, item.Size, item.ETag, item.LastModified, 0, [], null, false, $"S3 answered {ex.ErrorCode}: {ex.AwsMessage}", item.Altered ? TranscriptIntegrity.Modified : TranscriptIntegrity.Intact, item.Versions);
            return (new IndexedTranscript(summary, [], [], [], []), false);
        }
    }

    /// <summary>
    /// Writes full batches: each write makes a trigram segment, and a search reads every segment, so the writer
    /// waits for <see cref="WriteBatch"/> transcripts, or <see cref="BatchWait"/> after the first, or the end.
    /// </summary>
    private async Task WriteAllAsync(ChannelReader<IndexedTranscript> reader, CancellationToken cancellationToken)
    {
        var batch = new List<IndexedTranscript>(WriteBatch);
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var deadline = time.GetUtcNow() + BatchWait;
            while (batch.Count < WriteBatch)
            {
                if (reader.TryRead(out var transcript))
                {
                    batch.Add(transcript);
                    continue;
                }

                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(left);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        break; // The workers are done.
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break; // Waited long enough: write what there is.
                }
            }

            await index.WriteAsync(batch, cancellationToken);
            foreach (var transcript in batch)
            {
                Progress(transcript.Summary.Size, failed: transcript.Summary.Error is not null, gone: false);
            }

            batch.Clear();
        }
    }

    private void Progress(long bytes, bool failed, bool gone)
    {
        lock (_gate)
        {
            var c = _current;
            Report(c with
            {
                Pending = c.Pending - 1,
                Done = c.Done + 1,
                Failed = c.Failed + (failed ? 1 : 0),
                Sessions = c.Sessions + (gone ? 0 : 1),
                Bytes = c.Bytes + bytes,
            }, force: c.Pending == 1);
        }
    }

    private void Report(SessionIndexProgress progress, bool force)
    {
        Action<SessionIndexProgress>? changed;
        lock (_gate)
        {
            _current = progress;
            var now = time.GetUtcNow();
            if (!force && now - _reportedAt < ReportEvery)
            {
                return;
            }

            _reportedAt = now;
            changed = Changed;
        }

        changed?.Invoke(progress);
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already asked for.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing {Key} waits for a later pass: every render together had spent the render budget (Portal:Sessions:RenderBudgetMegabytes)")]
    private static partial void LogDeferred(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sessions list's text filter could not read its catalog ahead; the first filter will")]
    private static partial void LogTextFilterNotRead(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session index pass: {Indexed} transcripts indexed ({Failed} failed) in {Seconds:F1} s")]
    private static partial void LogPass(ILogger logger, int indexed, int failed, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session index pass failed: S3 answered {ErrorCode}: {AwsMessage}")]
    private static partial void LogPassFailed(ILogger logger, string errorCode, string awsMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session Manager's session history is unavailable ({ErrorCode}: {AwsMessage}); owners and start times come from the transcripts alone for now")]
    private static partial void LogHistoryUnavailable(ILogger logger, string errorCode, string awsMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session index pass failed")]
    private static partial void LogPassCrashed(ILogger logger, Exception exception);
}

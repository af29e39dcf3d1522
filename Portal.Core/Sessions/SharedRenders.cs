using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>
/// Renders that someone still reads, by object version and width: every reader of the same transcript (pages, exports,
/// evidence) shares one document, one download and one render, even while it is still rendering. A document is held
/// only by its readers (and its render while that runs); once nobody holds it the collector takes it and its render
/// budget, and the next reader renders anew.
/// </summary>
internal sealed class SharedRenders
{
    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>The render of one object version at one width (null: detected).</summary>
    internal readonly record struct Key(string Bucket, string ObjectKey, string? VersionId, string? ETag, int? Columns);

    /// <summary>The shared render for <paramref name="key"/>, or a new one from <paramref name="render"/> that later readers share.</summary>
    /// <remarks>The download is not cancelled when the reader who started it leaves: others may be waiting for it.</remarks>
    public async Task<TranscriptRender?> GetOrRenderAsync(Key key, Func<Task<TranscriptRender?>> render, CancellationToken cancellationToken)
    {
        Task<TranscriptRender?> pending;
        lock (_gate)
        {
            Sweep();
            if (_entries.TryGetValue(key, out var entry) && entry.TryTake(out var shared, out var running))
            {
                if (shared is not null)
                {
                    return shared;
                }

                pending = running!;
            }
            else
            {
                pending = render();
                _entries[key] = new Entry(pending);
            }
        }

        try
        {
            var result = await pending.WaitAsync(cancellationToken);
            lock (_gate)
            {
                // From now on only readers hold the document.
                if (_entries.TryGetValue(key, out var entry) && entry.Holds(pending))
                {
                    entry.Settle();
                }
            }

            return result;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var failed) && failed.Holds(pending))
                {
                    _entries.Remove(key);
                }
            }

            throw;
        }
    }

    /// <summary>The render for <paramref name="key"/> if one is held and downloaded now; it never waits.</summary>
    public TranscriptRender? Find(Key key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) && entry.TryTake(out var render, out _) ? render : null;
        }
    }

    /// <summary>The transcripts held now: their key, width asked for, rows so far and memory.</summary>
    public IReadOnlyList<OpenTranscript> Open()
    {
        lock (_gate)
        {
            Sweep();
            var open = new List<OpenTranscript>();
            foreach (var (key, entry) in _entries)
            {
                if (entry.TryTake(out var render, out _) && render is not null)
                {
                    open.Add(new OpenTranscript(key.ObjectKey, key.VersionId, key.Columns, render.Document.RowCount, render.Document.ApproximateBytes, render.Document.IsComplete));
                }
            }

            return open;
        }
    }

    private void Sweep()
    {
        List<Key>? dead = null;
        foreach (var (key, entry) in _entries)
        {
            if (!entry.TryTake(out _, out _))
            {
                (dead ??= []).Add(key);
            }
        }

        foreach (var key in dead ?? [])
        {
            _entries.Remove(key);
        }
    }

    /// <summary>A download in flight (held strongly), then its render (its document held weakly).</summary>
    private sealed class Entry(Task<TranscriptRender?> pending)
    {
        private Task<TranscriptRender?>? _pending = pending;
        private WeakReference<TranscriptDocument>? _document;

        public bool Holds(Task<TranscriptRender?> task) => ReferenceEquals(_pending, task);

        /// <summary>Lets go of a finished download, keeping its render weakly.</summary>
        public void Settle()
        {
            if (_pending is { IsCompleted: true } done)
            {
                _pending = null;
                if (done.IsCompletedSuccessfully && done.Result is { } result)
                {
                    _document = new WeakReference<TranscriptDocument>(result.Document);
                }
            }
        }

        /// <summary>The render to share, or the download to wait for; false when there is nothing worth sharing.</summary>
        public bool TryTake(out TranscriptRender? render, out Task<TranscriptRender?>? running)
        {
            render = null;
            running = null;
            if (_pending is { IsCompleted: false })
            {
                running = _pending;
                return true;
            }

            Settle();

            // A render that failed, or stopped at the budget, is not shared: the next reader tries again.
            if (_document is null || !_document.TryGetTarget(out var document) || document.Completion.IsFaulted || (document.IsComplete && document.OverBudget))
            {
                return false;
            }

            render = TranscriptRender.Of(document);
            return true;
        }
    }
}

/// <summary>What rendering holds in this process now, for operators (<c>GET /api/system</c>) and the benches.</summary>
/// <param name="Shared">Transcripts rendered and still read by someone (or still rendering).</param>
/// <param name="BudgetInUseBytes">What every render together holds of the <see cref="RenderBudget"/>.</param>
/// <param name="BudgetLimitBytes">The budget.</param>
/// <param name="Open">Each transcript held, however many read it.</param>
public sealed record RenderStatus(int Shared, long BudgetInUseBytes, long BudgetLimitBytes, IReadOnlyList<OpenTranscript> Open);

/// <summary>A transcript rendered and held in memory, shared by everyone who reads that version at that width.</summary>
/// <param name="Key">Its S3 key.</param>
/// <param name="VersionId">The S3 version rendered.</param>
/// <param name="Columns">The width asked for; none when inferred.</param>
/// <param name="Rows">Rows so far.</param>
/// <param name="Bytes">What its document holds, roughly.</param>
/// <param name="Complete">Whether its render is done.</param>
public sealed record OpenTranscript(string Key, string? VersionId, int? Columns, int Rows, long Bytes, bool Complete);

/// <summary>Reads <see cref="RenderStatus"/>.</summary>
public interface IRenderStatus
{
    /// <summary>The status now.</summary>
    RenderStatus Current { get; }
}

internal sealed class RenderStatusReader(SharedRenders renders, RenderBudget budget) : IRenderStatus
{
    public RenderStatus Current
    {
        get
        {
            var open = renders.Open();
            return new(open.Count, budget.InUse, budget.Limit, open);
        }
    }
}

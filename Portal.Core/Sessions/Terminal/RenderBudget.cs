namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// One budget of memory for every rendering in the process: the indexer's workers and every open transcript and
/// export together. A render takes memory from it in steps as its rows grow, and gives it back when its document is
/// released (or collected). A render that cannot take its next step stops where it is and says so, so escape-code
/// amplification (a few KB of <c>CSI 65535 b</c> renders to the 64 Mi-character cap) in several transcripts at once
/// cannot exhaust the host.
/// </summary>
public sealed class RenderBudget
{
    /// <summary>How much a render takes at a time.</summary>
    internal const long Step = 4L << 20;

    private long _inUse;

    /// <summary>A budget of <paramref name="limitBytes"/> bytes.</summary>
    public RenderBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, Step);
        Limit = limitBytes;
    }

    /// <summary>The bytes every render may hold together.</summary>
    public long Limit { get; }

    /// <summary>The bytes held now.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>A reservation for one render, empty until it grows.</summary>
    public Reservation Reserve() => new(this);

    private bool TryTake(long bytes)
    {
        while (true)
        {
            var now = Volatile.Read(ref _inUse);
            if (now + bytes > Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, now + bytes, now) == now)
            {
                return true;
            }
        }
    }

    private void Give(long bytes) => Interlocked.Add(ref _inUse, -bytes);

    /// <summary>What one render holds of the budget; released when disposed, or when collected with its document.</summary>
    public sealed class Reservation : IDisposable
    {
        private readonly RenderBudget _budget;
        private long _held;

        internal Reservation(RenderBudget budget) => _budget = budget;

        /// <summary>Gives the memory back when the document holding this is collected without being released.</summary>
        ~Reservation() => Release();

        /// <summary>The bytes this render holds.</summary>
        public long Held => Volatile.Read(ref _held);

        /// <summary>
        /// Grows the reservation to cover <paramref name="bytes"/>, a step at a time. When the budget is spent it lets
        /// documents nobody holds any more be collected and tries once more; false when it still cannot.
        /// </summary>
        public bool TryGrowTo(long bytes)
        {
            var held = Held;
            if (bytes <= held)
            {
                return true;
            }

            var wanted = (bytes + Step - 1) / Step * Step;
            if (!_budget.TryTake(wanted - held))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                if (!_budget.TryTake(wanted - held))
                {
                    return false;
                }
            }

            Volatile.Write(ref _held, wanted);
            return true;
        }

        /// <summary>Gives the memory back.</summary>
        public void Dispose()
        {
            Release();
            GC.SuppressFinalize(this);
        }

        private void Release()
        {
            var held = Interlocked.Exchange(ref _held, 0);
            if (held > 0)
            {
                _budget.Give(held);
            }
        }
    }
}

/// <summary>A render stopped because every render together had spent the <see cref="RenderBudget"/>; trying later may work.</summary>
public sealed class RenderBudgetExceededException() : Exception("Every render together had spent the portal's render budget (Portal:Sessions:RenderBudgetMegabytes).");

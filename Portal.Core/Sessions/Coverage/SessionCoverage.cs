using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Sessions.Index;
using Portal.Core.Text;

namespace Portal.Core.Sessions.Coverage;

/// <summary>
/// Joins Session Manager's history (DescribeSessions, about 30 days) with the index of the bucket by session id.
/// A shell session with no transcript past the grace period is missing; a port-forwarding or SSH session is not
/// recorded by design; a transcript no session explains is of unknown origin; the rest take their transcript's
/// integrity. Beyond Session Manager's 30 days, CloudTrail's StartSession and TerminateSession events (90 days) tell
/// the sessions.
/// </summary>
internal sealed class SessionCoverage(ISessionHistory history, CloudTrailSessions trail, ISessionIndex index, ISessionIndexStatus status, TimeProvider time, IOptions<CoverageOptions> options) : ISessionCoverage
{
    /// <summary>How far back Session Manager's own history goes; CloudTrail's event history goes to <see cref="ISessionCoverage.MaxDays"/>.</summary>
    internal const int HistoryDays = 30;

    /// <summary>A session runs at most 24 hours (Session Manager's longest maxSessionDuration): one without an end is over by then.</summary>
    private static readonly TimeSpan LongestSession = TimeSpan.FromHours(24);

    /// <summary>Session Manager keeps about this many sessions' history within its 30 days; more is not asked for.</summary>
    private const int MaxHistory = 20_000;

    /// <summary>How long a report is reused: every dashboard view would otherwise page through 30 days of history.</summary>
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, CoverageReport> _recent = [];

    public async Task<CoverageReport> GetAsync(int days = 30, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, ISessionCoverage.MaxDays);
        lock (_gate)
        {
            if (_recent.TryGetValue(days, out var recent) && time.GetUtcNow() - recent.CheckedAt < Reuse)
            {
                return recent;
            }
        }

        var report = await CompareAsync(days, cancellationToken);
        if (report.Note is null)
        {
            // A partial picture (the index still reading, Session Manager unreadable) is not kept: the next look may be whole.
            lock (_gate)
            {
                _recent[days] = report;
            }
        }

        return report;
    }

    private async Task<CoverageReport> CompareAsync(int days, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now.AddDays(-days);
        var transcripts = await TranscriptsSinceAsync(since.AddDays(-1), cancellationToken);
        IReadOnlyDictionary<string, SessionHistoryEntry> sessions;
        try
        {
            sessions = await history.RecentAsync(MaxHistory, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            // Without Session Manager's word, only what the bucket holds can be told.
            var held = transcripts.Values.Where(t => t.EndedAt >= since).Select(t => Item(t, null, StateOf(t))).ToList();
            return new CoverageReport(now, since, Sorted(held), new Phrase("Session Manager's history could not be read ({0} {1} answered {2}): missing transcripts and unknown ones cannot be told.", ex.Service, ex.Operation, ex.ErrorCode));
        }

        Phrase? trailNote = null;
        if (days > HistoryDays)
        {
            try
            {
                var merged = new Dictionary<string, SessionHistoryEntry>(await trail.SinceAsync(since, cancellationToken), StringComparer.Ordinal);
                foreach (var (id, session) in sessions)
                {
                    merged[id] = session; // Session Manager's own word wins where it has one
                }

                sessions = merged;
            }
            catch (AwsApiException ex)
            {
                trailNote = new Phrase("CloudTrail's event history could not be read ({0} {1} answered {2}): sessions older than {3} days are not known.", ex.Service, ex.Operation, ex.ErrorCode, HistoryDays);
            }
        }

        var items = new List<CoverageItem>();
        foreach (var session in sessions.Values.Where(s => (s.EndedAt ?? s.StartedAt) >= since))
        {
            if (transcripts.Remove(session.SessionId, out var transcript))
            {
                items.Add(Item(transcript, session, StateOf(transcript)));
            }
            else if (!Recorded(session.DocumentName))
            {
                items.Add(Item(null, session, CoverageState.NotRecordedByDesign));
            }
            else if ((session.EndedAt ?? session.StartedAt + LongestSession) is { } ended && now - ended >= options.Value.GracePeriod)
            {
                items.Add(Item(null, session, CoverageState.Missing));
            }
        }

        // What is left in the bucket, no session explains, within the window Session Manager remembers.
        var oldest = sessions.Values.Select(s => s.StartedAt).Where(s => s is not null).DefaultIfEmpty(since).Min() ?? since;
        items.AddRange(transcripts.Values.Where(t => t.EndedAt >= since && t.EndedAt >= oldest).Select(t => Item(t, null, CoverageState.UnknownOrigin)));
        var progress = status.Current;
        var note = progress.LastPassAt is null || progress.Pending > 0
            ? new Phrase("The index is still reading the bucket ({0:N0} transcript(s) to go): a session whose transcript it has not read yet shows as missing until it has.", progress.Pending)
            : trailNote;
        return new CoverageReport(now, since, Sorted(items), note);
    }

    /// <summary>Whether Session Manager writes a transcript for sessions of this document (shells and interactive commands do; tunnels do not).</summary>
    internal static bool Recorded(string? documentName) =>
        documentName is null
        || !(documentName.StartsWith("AWS-StartPortForwardingSession", StringComparison.Ordinal)
            || documentName.StartsWith("AWS-StartSSHSession", StringComparison.Ordinal)
            || documentName.StartsWith("AWS-StartNonInteractiveCommand", StringComparison.Ordinal));

    private static CoverageState StateOf(SessionSummary transcript) => StateOf(transcript.Integrity);

    /// <summary>The state of a session Session Manager reports, whose transcript the bucket holds with this integrity.</summary>
    internal static CoverageState StateOf(TranscriptIntegrity integrity) => integrity switch
    {
        TranscriptIntegrity.Modified => CoverageState.Modified,
        TranscriptIntegrity.Truncated => CoverageState.Truncated,
        _ => CoverageState.Recorded,
    };

    private static CoverageItem Item(SessionSummary? transcript, SessionHistoryEntry? session, CoverageState state) => new(
        session?.SessionId ?? transcript!.SessionId,
        session?.Owner,
        session?.Target ?? transcript?.InstanceId,
        session?.DocumentName,
        session?.StartedAt ?? transcript?.StartedAt,
        session?.EndedAt ?? transcript?.EndedAt,
        state);

    private static List<CoverageItem> Sorted(IEnumerable<CoverageItem> items) =>
        [.. items.OrderByDescending(i => i.EndedAt ?? i.StartedAt).ThenBy(i => i.SessionId, StringComparer.Ordinal)];

    /// <summary>Every indexed transcript that ended since <paramref name="since"/>, by session id.</summary>
    private async Task<Dictionary<string, SessionSummary>> TranscriptsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SessionSummary>(StringComparer.Ordinal);
        var offset = 0;
        while (true)
        {
            var page = await index.QueryAsync(new SessionQuery { From = since, Offset = offset, Limit = SessionQuery.MaxLimit }, cancellationToken);
            foreach (var item in page.Items)
            {
                found.TryAdd(item.SessionId, item);
            }

            offset += page.Items.Count;
            if (page.Items.Count == 0 || offset >= page.Total)
            {
                return found;
            }
        }
    }
}

using System.Collections.Concurrent;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

/// <summary>
/// Session Manager's history. An ended session never changes, so the ones read (by the indexer's and coverage's
/// listings, or one by one) are kept: rendering a transcript, its evidence bundle and its page ask for the same session
/// again and again.
/// </summary>
internal sealed class SsmSessionHistory(IAmazonSimpleSystemsManagement ssm) : ISessionHistory
{
    /// <summary>Ended sessions kept at most; Session Manager's 30 days of history rarely hold more.</summary>
    private const int MaxKept = 20_000;

    private readonly ConcurrentDictionary<string, SessionHistoryEntry> _ended = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        var sessions = new Dictionary<string, SessionHistoryEntry>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await AwsSdkCall.RunAsync(
                "ssm",
                "DescribeSessions",
                () => ssm.DescribeSessionsAsync(new DescribeSessionsRequest { State = SessionState.History, MaxResults = 200, NextToken = token }, cancellationToken),
                "The portal may not list Session Manager's session history: its role needs ssm:DescribeSessions.");
            foreach (var session in page.Sessions ?? [])
            {
                if (session.SessionId is { } id)
                {
                    sessions[id] = Keep(new SessionHistoryEntry(id, session.Owner, session.Target, Utc(session.StartDate), Utc(session.EndDate), session.DocumentName));
                }
            }

            token = page.NextToken;
        }
        while (token is not null && sessions.Count < maxSessions);
        return sessions;
    }

    public async Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (_ended.TryGetValue(sessionId, out var known))
        {
            return known;
        }

        var page = await AwsSdkCall.RunAsync(
            "ssm",
            "DescribeSessions",
            () => ssm.DescribeSessionsAsync(
                new DescribeSessionsRequest { State = SessionState.History, Filters = [new SessionFilter { Key = SessionFilterKey.SessionId, Value = sessionId }] },
                cancellationToken),
            "The portal may not list Session Manager's session history: its role needs ssm:DescribeSessions.");
        return (page.Sessions ?? []).FirstOrDefault(s => s.SessionId == sessionId) is { } session
            ? Keep(new SessionHistoryEntry(session.SessionId, session.Owner, session.Target, Utc(session.StartDate), Utc(session.EndDate), session.DocumentName))
            : null;
    }

    /// <summary>Keeps an ended session (a live one may still end); starts afresh when the limit is reached.</summary>
    private SessionHistoryEntry Keep(SessionHistoryEntry entry)
    {
        if (entry.EndedAt is not null)
        {
            if (_ended.Count >= MaxKept)
            {
                _ended.Clear();
            }

            _ended[entry.SessionId] = entry;
        }

        return entry;
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero) : null;
}

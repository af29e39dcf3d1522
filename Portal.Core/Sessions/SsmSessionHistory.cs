using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

internal sealed class SsmSessionHistory(IAmazonSimpleSystemsManagement ssm) : ISessionHistory
{
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
                    sessions[id] = new SessionHistoryEntry(id, session.Owner, session.Target, Utc(session.StartDate), Utc(session.EndDate), session.DocumentName);
                }
            }

            token = page.NextToken;
        }
        while (token is not null && sessions.Count < maxSessions);
        return sessions;
    }

    public async Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var page = await AwsSdkCall.RunAsync(
            "ssm",
            "DescribeSessions",
            () => ssm.DescribeSessionsAsync(
                new DescribeSessionsRequest { State = SessionState.History, Filters = [new SessionFilter { Key = SessionFilterKey.SessionId, Value = sessionId }] },
                cancellationToken),
            "The portal may not list Session Manager's session history: its role needs ssm:DescribeSessions.");
        return (page.Sessions ?? []).FirstOrDefault(s => s.SessionId == sessionId) is { } session
            ? new SessionHistoryEntry(session.SessionId, session.Owner, session.Target, Utc(session.StartDate), Utc(session.EndDate), session.DocumentName)
            : null;
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero) : null;
}

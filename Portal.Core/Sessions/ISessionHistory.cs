namespace Portal.Core.Sessions;

/// <summary>What Session Manager itself remembers about recent sessions (DescribeSessions, state History).</summary>
public interface ISessionHistory
{
    /// <summary>Up to <paramref name="maxSessions"/> recent sessions by id. Session Manager keeps about 30 days.</summary>
    /// <exception cref="Aws.AwsApiException">Session Manager refused (AccessDenied names <c>ssm:DescribeSessions</c>) or the endpoint does not implement it.</exception>
    Task<IReadOnlyDictionary<string, SessionHistoryEntry>> RecentAsync(int maxSessions, CancellationToken cancellationToken = default);

    /// <summary>One ended session, or <see langword="null"/> when Session Manager no longer remembers it.</summary>
    /// <exception cref="Aws.AwsApiException">Session Manager refused or the endpoint does not implement it.</exception>
    Task<SessionHistoryEntry?> FindAsync(string sessionId, CancellationToken cancellationToken = default);
}

/// <summary>One session as Session Manager reports it.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Owner">The ARN of the principal that started it.</param>
/// <param name="Target">The instance it ran on.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="DocumentName">The session document (a shell, port forwarding, SSH...).</param>
public sealed record SessionHistoryEntry(string SessionId, string? Owner, string? Target, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, string? DocumentName = null);

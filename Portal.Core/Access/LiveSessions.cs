using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Portal.Core.Aws;

namespace Portal.Core.Access;

/// <summary>An active Session Manager session, as DescribeSessions tells it.</summary>
/// <param name="SessionId">Its id (<c>&lt;principal&gt;-&lt;suffix&gt;</c>).</param>
/// <param name="Owner">The ARN of the principal that started it, with the IAM user's path.</param>
/// <param name="Target">The instance.</param>
/// <param name="DocumentName">The session document, when told.</param>
/// <param name="StartedAt">When it started, when told.</param>
/// <param name="Status">Connected, Disconnected, and so on.</param>
public sealed record ActiveSession(string SessionId, string Owner, string Target, string? DocumentName, DateTimeOffset? StartedAt, string Status);

/// <summary>Session Manager's live sessions: what is open on an instance, and ending one.</summary>
public interface ILiveSessions
{
    /// <summary>
    /// The active sessions on <paramref name="instanceId"/>, every page. Sessions are filtered by target only and owners
    /// compared by the caller: an Owner filter must spell the full ARN, path included, and a wrong guess matches nothing.
    /// </summary>
    /// <exception cref="AwsApiException">DescribeSessions failed.</exception>
    Task<IReadOnlyList<ActiveSession>> ListActiveAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Ends a session for good (it cannot be resumed). Ending one that has ended already is no error.</summary>
    /// <exception cref="AwsApiException">TerminateSession failed.</exception>
    Task TerminateAsync(string sessionId, CancellationToken cancellationToken = default);
}

internal sealed class LiveSessions(IAmazonSimpleSystemsManagement ssm) : ILiveSessions
{
    public Task<IReadOnlyList<ActiveSession>> ListActiveAsync(string instanceId, CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync<IReadOnlyList<ActiveSession>>(
            "ssm",
            "DescribeSessions",
            async () =>
            {
                var found = new List<ActiveSession>();
                var request = new DescribeSessionsRequest
                {
                    State = SessionState.Active,
                    MaxResults = 200,
                    Filters = [new SessionFilter { Key = SessionFilterKey.Target, Value = instanceId }],
                };
                do
                {
                    var page = await ssm.DescribeSessionsAsync(request, cancellationToken);
                    found.AddRange((page.Sessions ?? [])
                        .Where(s => s.SessionId is not null)
                        .Select(s => new ActiveSession(s.SessionId, s.Owner ?? string.Empty, s.Target ?? instanceId, s.DocumentName, Utc(s.StartDate), s.Status?.Value ?? "Connected")));
                    request.NextToken = page.NextToken;
                }
                while (!string.IsNullOrEmpty(request.NextToken));

                return found;
            },
            "The portal may not list live sessions: its role needs ssm:DescribeSessions.");

    public Task TerminateAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync(
            "ssm",
            "TerminateSession",
            async () =>
            {
                await ssm.TerminateSessionAsync(new TerminateSessionRequest { SessionId = sessionId }, cancellationToken);
                return true;
            },
            "The portal may not end sessions: its role needs ssm:TerminateSession.");

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero) : null;
}

using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Portal.Core.Aws;

namespace Portal.Core.Access;

/// <summary>Ends a principal's live Session Manager sessions on a bastion (what a revoke does after removing the policy).</summary>
public interface ILiveSessions
{
    /// <summary>Terminates the active sessions <paramref name="ownerArns"/> hold on <paramref name="instanceId"/>.</summary>
    /// <returns>The sessions ended.</returns>
    /// <exception cref="AwsApiException">DescribeSessions or TerminateSession failed (moto implements neither).</exception>
    Task<IReadOnlyList<string>> EndAsync(string instanceId, IReadOnlyCollection<string> ownerArns, CancellationToken cancellationToken = default);
}

internal sealed class LiveSessions(IAmazonSimpleSystemsManagement ssm) : ILiveSessions
{
    public async Task<IReadOnlyList<string>> EndAsync(string instanceId, IReadOnlyCollection<string> ownerArns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ownerArns);
        var ended = new List<string>();
        foreach (var owner in ownerArns)
        {
            var sessions = await AwsSdkCall.RunAsync("ssm", "DescribeSessions", async () =>
            {
                var found = new List<string>();
                var request = new DescribeSessionsRequest
                {
                    State = SessionState.Active,
                    Filters = [new SessionFilter { Key = SessionFilterKey.Target, Value = instanceId }, new SessionFilter { Key = SessionFilterKey.Owner, Value = owner }],
                };
                do
                {
                    var page = await ssm.DescribeSessionsAsync(request, cancellationToken);
                    found.AddRange((page.Sessions ?? []).Select(s => s.SessionId));
                    request.NextToken = page.NextToken;
                }
                while (!string.IsNullOrEmpty(request.NextToken));

                return found;
            });

            foreach (var session in sessions)
            {
                await AwsSdkCall.RunAsync("ssm", "TerminateSession", async () =>
                {
                    await ssm.TerminateSessionAsync(new TerminateSessionRequest { SessionId = session }, cancellationToken);
                    return true;
                });
                ended.Add(session);
            }
        }

        return ended;
    }
}

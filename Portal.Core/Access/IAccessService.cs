namespace Portal.Core.Access;

/// <summary>What a requester asks for. Every field is checked; a missing one is named in the refusal.</summary>
/// <param name="TargetInstanceId">The bastion.</param>
/// <param name="DurationMinutes">How long, up to <see cref="AccessOptions.MaxDurationMinutes"/>.</param>
/// <param name="Reason">Why (required).</param>
/// <param name="Ticket">A ticket reference (optional).</param>
public sealed record NewAccessRequest(string? TargetInstanceId, int? DurationMinutes, string? Reason, string? Ticket = null);

/// <summary>What an approver grants directly, without a request.</summary>
/// <param name="PrincipalType">User or group.</param>
/// <param name="PrincipalName">The IAM user or group name.</param>
/// <param name="TargetInstanceId">The bastion.</param>
/// <param name="DurationMinutes">How long, up to <see cref="AccessOptions.MaxDurationMinutes"/>.</param>
/// <param name="Reason">Why (required).</param>
public sealed record NewGrant(PrincipalType? PrincipalType, string? PrincipalName, string? TargetInstanceId, int? DurationMinutes, string? Reason);

/// <summary>
/// Access requests, decisions and grants. Every transition is a conditional update (one grant however many approvers
/// act at once) and is audited with who and why; IAM is changed after the decision is stored, so an IAM failure
/// leaves a visible, retryable grant rather than a half-grant the portal does not know of.
/// </summary>
public interface IAccessService
{
    /// <summary>The bastions a request may target: the applied setup's, else <see cref="AccessOptions.Bastions"/>.</summary>
    Task<IReadOnlyList<string>> BastionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Files a request for the person.</summary>
    /// <exception cref="AccessException">Bad input, or no IAM user for the person (Invalid); nothing stored.</exception>
    Task<AccessRequest> RequestAsync(AccessPerson person, NewAccessRequest input, CancellationToken cancellationToken = default);

    /// <summary>Requests, newest first: one person's, or everyone's when <paramref name="requester"/> is null.</summary>
    Task<IReadOnlyList<AccessRequest>> ListRequestsAsync(string? requester = null, AccessRequestState? state = null, CancellationToken cancellationToken = default);

    /// <summary>One request.</summary>
    /// <exception cref="AccessException">No such request (NotFound).</exception>
    Task<AccessRequest> GetRequestAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Records an approval; with enough distinct approvals the request is approved and its grant made.</summary>
    /// <exception cref="AccessException">Not found; one's own request or IAM user, already decided, or already approved by this approver (Conflict).</exception>
    /// <exception cref="Aws.AwsApiException">IAM could not be read to compare identities; nothing changed.</exception>
    Task<AccessRequest> ApproveAsync(long id, AccessPerson approver, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Denies a pending request.</summary>
    /// <exception cref="AccessException">Not found; one's own request or already decided (Conflict).</exception>
    Task<AccessRequest> DenyAsync(long id, string approver, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Withdraws one's own pending request.</summary>
    /// <exception cref="AccessException">Not found; someone else's (Forbidden); already decided (Conflict).</exception>
    Task<AccessRequest> CancelAsync(long id, string requester, CancellationToken cancellationToken = default);

    /// <summary>Grants, newest first: those answering one person's requests, or all when <paramref name="requester"/> is null.</summary>
    Task<IReadOnlyList<AccessGrant>> ListGrantsAsync(string? requester = null, CancellationToken cancellationToken = default);

    /// <summary>One grant.</summary>
    /// <exception cref="AccessException">No such grant (NotFound).</exception>
    Task<AccessGrant> GetGrantAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Grants access directly to an IAM user or group.</summary>
    /// <exception cref="AccessException">
    /// Bad input, or the user or group does not exist (Invalid); the approver's own IAM user or a group holding it, or
    /// more than one approval required (Conflict).
    /// </exception>
    Task<AccessGrant> GrantAsync(AccessPerson approver, NewGrant input, CancellationToken cancellationToken = default);

    /// <summary>Puts an approved grant's policy in place again after an IAM failure.</summary>
    /// <exception cref="AccessException">Not found; not in Approved, or already expired (Conflict).</exception>
    Task<AccessGrant> RetryAsync(long grantId, string actor, CancellationToken cancellationToken = default);

    /// <summary>Removes the grant's policy and ends the principal's live sessions on the bastion.</summary>
    /// <exception cref="AccessException">Not found; already ended (Conflict).</exception>
    /// <exception cref="Aws.AwsApiException">IAM refused to remove the policy; the grant is unchanged and says so.</exception>
    Task<AccessGrant> RevokeAsync(long grantId, string actor, string? comment = null, CancellationToken cancellationToken = default);
}

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

/// <summary>What a direct grant became: the grant, or, where more approvers are needed, the proposal waiting for them.</summary>
/// <param name="Grant">The grant, when made at once.</param>
/// <param name="Proposal">The pending proposal, when other approvers must agree first.</param>
public sealed record DirectGrantResult(AccessGrant? Grant, AccessRequest? Proposal);

/// <summary>
/// Requests and decisions: access, extensions of active grants, and direct grants. Every transition is a conditional
/// update (one grant however many approvers act at once) and is audited with who and why. Nobody decides for their
/// own IAM user, nor for a group that holds it, except through break-glass where it is enabled.
/// </summary>
public interface IAccessRequests
{
    /// <summary>Files a request for the person.</summary>
    /// <exception cref="AccessException">Bad input, or no IAM user for the person (Invalid); nothing stored.</exception>
    Task<AccessRequest> RequestAsync(AccessPerson person, NewAccessRequest input, CancellationToken cancellationToken = default);

    /// <summary>Asks for more time on one of the person's active grants; approvers decide it like a request.</summary>
    /// <exception cref="AccessException">Bad input (Invalid); not the person's grant (Forbidden); the grant is not active (Conflict).</exception>
    Task<AccessRequest> ExtendAsync(AccessPerson person, long grantId, int? minutes, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Requests, newest first: one person's, or everyone's when <paramref name="requester"/> is null.</summary>
    Task<IReadOnlyList<AccessRequest>> ListAsync(string? requester = null, AccessRequestState? state = null, CancellationToken cancellationToken = default);

    /// <summary>One request.</summary>
    /// <exception cref="AccessException">No such request (NotFound).</exception>
    Task<AccessRequest> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Records an approval; with enough distinct approvals the request is approved and its grant made (or extended).</summary>
    /// <exception cref="AccessException">Not found; one's own request or IAM user, already decided, or already approved by this approver (Conflict).</exception>
    /// <exception cref="Aws.AwsApiException">IAM could not be read to compare identities; nothing changed.</exception>
    Task<AccessRequest> ApproveAsync(long id, AccessPerson approver, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Denies a pending request.</summary>
    /// <exception cref="AccessException">Not found; one's own request or already decided (Conflict).</exception>
    Task<AccessRequest> DenyAsync(long id, string approver, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Withdraws one's own pending request.</summary>
    /// <exception cref="AccessException">Not found; someone else's (Forbidden); already decided (Conflict).</exception>
    Task<AccessRequest> CancelAsync(long id, string requester, CancellationToken cancellationToken = default);

    /// <summary>
    /// Break-glass: a person who is both Requester and Approver approves their own access request, with a reason, for
    /// at most <see cref="BreakGlassOptions.MaxMinutes"/>. Every approver is told at once, the grant is marked, and
    /// another approver must acknowledge it.
    /// </summary>
    /// <exception cref="AccessException">Off, not one's own pending access request, missing roles or reason (Invalid, Forbidden or Conflict).</exception>
    Task<AccessRequest> BreakGlassAsync(long id, AccessPerson person, string? reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Grants access directly to an IAM user or group. Where requests need one approver, the grant is made at once;
    /// where they need more, it is proposed, with this approval counted, and waits for the others.
    /// </summary>
    /// <exception cref="AccessException">
    /// Bad input, or the user or group does not exist (Invalid); the approver's own IAM user or a group holding it (Conflict).
    /// </exception>
    Task<DirectGrantResult> GrantDirectlyAsync(AccessPerson approver, NewGrant input, CancellationToken cancellationToken = default);
}

namespace Portal.Core.Access;

/// <summary>The grant that allowed a session, and the policy the portal put in IAM for it.</summary>
/// <param name="Grant">The grant.</param>
/// <param name="PolicyDocument">The inline policy document as the portal wrote it (its last window, after any extension).</param>
public sealed record CoveringGrant(AccessGrant Grant, string PolicyDocument);

/// <summary>
/// Grants and their IAM policies: one inline policy <c>portal-grant-&lt;id&gt;</c> per grant, put after the decision
/// is stored, so an IAM failure leaves a visible, retryable grant rather than a policy the portal does not know of.
/// Ending a grant (revoke, expiry) removes the policy and ends its live sessions.
/// </summary>
public interface IAccessGrants
{
    /// <summary>Grants, newest first: those for one person's requests, or all when <paramref name="person"/> is null.</summary>
    Task<IReadOnlyList<AccessGrant>> ListAsync(string? person = null, CancellationToken cancellationToken = default);

    /// <summary>One grant.</summary>
    /// <exception cref="AccessException">No such grant (NotFound).</exception>
    Task<AccessGrant> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Puts an approved grant's policy in place again after an IAM failure.</summary>
    /// <exception cref="AccessException">Not found; not in Approved, or already expired (Conflict).</exception>
    Task<AccessGrant> RetryAsync(long grantId, string actor, CancellationToken cancellationToken = default);

    /// <summary>Removes the grant's policy and ends the principal's live sessions on the bastion.</summary>
    /// <exception cref="AccessException">Not found; already ended (Conflict).</exception>
    /// <exception cref="Aws.AwsApiException">IAM refused to remove the policy; the grant is unchanged and says so.</exception>
    Task<AccessGrant> RevokeAsync(long grantId, string actor, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Another approver acknowledges a break-glass grant, closing its review item.</summary>
    /// <exception cref="AccessException">
    /// Not found; not break-glass, already acknowledged, or the reviewer is the one who used it (Conflict).
    /// </exception>
    Task<AccessGrant> AcknowledgeAsync(long grantId, AccessPerson reviewer, string? comment = null, CancellationToken cancellationToken = default);

    /// <summary>Break-glass grants waiting for another approver's acknowledgement, oldest first.</summary>
    Task<IReadOnlyList<AccessGrant>> AwaitingReviewAsync(CancellationToken cancellationToken = default);

    /// <summary>The IAM users a direct grant may name, in order (each must carry the bastion users' boundary: ADR 0015).</summary>
    /// <exception cref="Aws.AwsApiException">IAM could not be read.</exception>
    Task<IReadOnlyList<string>> GranteesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The grant whose window held <paramref name="at"/> for <paramref name="iamUser"/> on <paramref name="target"/>
    /// (a user grant first, then a group the user is in now), or <see langword="null"/> when none did.
    /// </summary>
    /// <exception cref="Aws.AwsApiException">IAM could not be read (group members, the account).</exception>
    Task<CoveringGrant?> CoveringAsync(string iamUser, string target, DateTimeOffset at, CancellationToken cancellationToken = default);
}

namespace Portal.Core.ApiTokens;

/// <summary>Named API tokens for automation, each with its portal roles and an expiry, stored hashed.</summary>
public interface IApiTokenService
{
    /// <summary>
    /// Issues a token; the plain token is in the result and nowhere else. Its role must be one the issuer holds: a
    /// token is never a way to take on a role (an Admin does not make themselves an Approver).
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid (name, role or lifetime), or the role is not one of <paramref name="issuerRoles"/>.</exception>
    Task<IssuedApiToken> IssueAsync(ApiTokenRequest request, string issuedBy, IReadOnlyCollection<string> issuerRoles, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues a token that acts as a person (<see cref="PersonTokenRequest"/>). Whoever calls this can reach the
    /// database, so no issuer's roles bound it; it is audited under <paramref name="issuedBy"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The person, a role, the IAM user, the name or the lifetime is invalid; the message names it.</exception>
    Task<IssuedApiToken> IssueForPersonAsync(PersonTokenRequest request, string issuedBy, CancellationToken cancellationToken = default);

    /// <summary>The identity of a valid, unexpired, unrevoked token, or <see langword="null"/>.</summary>
    Task<ApiTokenIdentity?> ValidateAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Every token, newest first.</summary>
    Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a token; <see langword="false"/> when there is none or it was already revoked.</summary>
    Task<bool> RevokeAsync(Guid id, string revokedBy, CancellationToken cancellationToken = default);
}

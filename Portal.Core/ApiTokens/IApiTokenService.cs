namespace Portal.Core.ApiTokens;

/// <summary>Named API tokens for automation, each with one portal role and an expiry, stored hashed.</summary>
public interface IApiTokenService
{
    /// <summary>
    /// Issues a token; the plain token is in the result and nowhere else. Its role must be one the issuer holds: a
    /// token is never a way to take on a role (an Admin does not make themselves an Approver).
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid (name, role or lifetime), or the role is not one of <paramref name="issuerRoles"/>.</exception>
    Task<IssuedApiToken> IssueAsync(ApiTokenRequest request, string issuedBy, IReadOnlyCollection<string> issuerRoles, CancellationToken cancellationToken = default);

    /// <summary>The identity of a valid, unexpired, unrevoked token, or <see langword="null"/>.</summary>
    Task<ApiTokenIdentity?> ValidateAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Every token, newest first.</summary>
    Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a token; <see langword="false"/> when there is none or it was already revoked.</summary>
    Task<bool> RevokeAsync(Guid id, string revokedBy, CancellationToken cancellationToken = default);
}

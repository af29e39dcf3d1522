namespace Portal.Core.ApiTokens;

/// <summary>Who a valid token acts as.</summary>
/// <param name="Id">The token.</param>
/// <param name="Name">Its name.</param>
/// <param name="Roles">Its portal roles.</param>
/// <param name="Person">The person it acts as, or <see langword="null"/> for a named token.</param>
/// <param name="IamUser">The IAM user of that person's access requests, or <see langword="null"/>.</param>
public sealed record ApiTokenIdentity(Guid Id, string Name, IReadOnlyList<string> Roles, string? Person = null, string? IamUser = null)
{
    /// <summary>Who the audit trail names: the person, else <c>token:NAME</c>.</summary>
    public string Actor => Person ?? $"token:{Name}";
}

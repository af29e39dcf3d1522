namespace Portal.Core.ApiTokens;

/// <summary>
/// A token that acts as a person with the given roles, issued by whoever can reach the portal's database (the
/// <c>tokens issue</c> command): how a deployment gets its first Admin, and automation its identity, without a browser.
/// </summary>
/// <param name="Person">Who the token acts as, as the audit trail names them.</param>
/// <param name="Roles">Its portal roles, such as <c>Admin,Approver</c>.</param>
/// <param name="Days">Days until it expires (1 to <see cref="ApiTokenRequest.MaxDays"/>).</param>
/// <param name="IamUser">The IAM user of the person's access requests; the person's name when <see langword="null"/>.</param>
/// <param name="Name">The token's name; <c>PERSON-cli</c> when <see langword="null"/>.</param>
public sealed record PersonTokenRequest(string Person, IReadOnlyCollection<string> Roles, int Days, string? IamUser = null, string? Name = null);

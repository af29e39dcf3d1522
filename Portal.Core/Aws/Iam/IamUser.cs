namespace Portal.Core.Aws.Iam;

/// <summary>An IAM user.</summary>
/// <param name="UserName">The user's name.</param>
/// <param name="UserId">The unique id (<c>aws:userid</c>).</param>
/// <param name="Arn">The ARN.</param>
/// <param name="Path">The path.</param>
/// <param name="CreateDate">When it was created.</param>
/// <param name="PermissionsBoundaryArn">
/// The managed policy set as the user's permissions boundary. Only <c>GetUser</c> says: IAM's listings leave it out,
/// so a user from <c>ListUsers</c> has <see langword="null"/> here whatever it carries.
/// </param>
public sealed record IamUser(string UserName, string UserId, string Arn, string Path, DateTimeOffset? CreateDate, string? PermissionsBoundaryArn = null);

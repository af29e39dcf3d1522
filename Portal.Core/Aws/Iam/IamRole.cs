namespace Portal.Core.Aws.Iam;

/// <summary>An IAM role; the trust policy is decoded JSON.</summary>
public sealed record IamRole(string RoleName, string RoleId, string Arn, string Path, string? AssumeRolePolicyDocument, string? Description);

namespace Portal.Core.Aws.Iam;

/// <summary>An IAM user.</summary>
public sealed record IamUser(string UserName, string UserId, string Arn, string Path, DateTimeOffset? CreateDate);

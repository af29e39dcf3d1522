namespace Portal.Core.Aws.Iam;

/// <summary>An instance profile and the names of its roles.</summary>
public sealed record IamInstanceProfile(string InstanceProfileName, string InstanceProfileId, string Arn, IReadOnlyList<string> RoleNames);

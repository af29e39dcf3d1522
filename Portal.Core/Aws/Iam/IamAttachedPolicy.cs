namespace Portal.Core.Aws.Iam;

/// <summary>A managed policy attached to a role, user or group.</summary>
public sealed record IamAttachedPolicy(string PolicyName, string PolicyArn);

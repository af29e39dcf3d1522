namespace Portal.Core.Aws.Iam;

/// <summary>A tag on an IAM resource.</summary>
public sealed record IamTag(string Key, string Value);

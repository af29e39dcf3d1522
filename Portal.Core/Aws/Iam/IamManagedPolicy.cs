namespace Portal.Core.Aws.Iam;

/// <summary>A managed policy (AWS or customer managed).</summary>
public sealed record IamManagedPolicy(string PolicyName, string PolicyId, string Arn, string DefaultVersionId, int AttachmentCount);

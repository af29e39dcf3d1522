namespace Portal.Core.Aws.Iam;

/// <summary>One version of a managed policy; the document is decoded JSON when it was asked for.</summary>
public sealed record IamPolicyVersion(string VersionId, bool IsDefaultVersion, string? Document, DateTimeOffset? CreateDate);

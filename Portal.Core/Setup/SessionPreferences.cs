namespace Portal.Core.Setup;

/// <summary>
/// What the Session Manager preferences document (<c>SSM-SessionManagerRunShell</c>) says about logging, as the
/// agent reads it at session start.
/// </summary>
/// <param name="DocumentVersion">The default version in force.</param>
/// <param name="S3BucketName">Where transcripts go, when S3 logging is on.</param>
/// <param name="S3KeyPrefix">The key prefix, such as <c>sessionmanager</c>.</param>
/// <param name="S3EncryptionEnabled">Whether sessions refuse to start unless the bucket is encrypted.</param>
/// <param name="CloudWatchLogGroupName">The log group, when CloudWatch logging is on.</param>
/// <param name="IdleSessionTimeout">Minutes, as the document gives them.</param>
/// <param name="MaxSessionDuration">Minutes, as the document gives them.</param>
public sealed record SessionPreferences(
    string DocumentVersion,
    string? S3BucketName,
    string? S3KeyPrefix,
    bool S3EncryptionEnabled,
    string? CloudWatchLogGroupName,
    string? IdleSessionTimeout,
    string? MaxSessionDuration)
{
    /// <summary>The document's name, fixed by Session Manager.</summary>
    public const string DocumentName = "SSM-SessionManagerRunShell";
}

using System.Text.Json.Serialization;

namespace Portal.Core.Sessions;

/// <summary>Whether a transcript is as Session Manager's agent wrote it; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TranscriptIntegrity>))]
public enum TranscriptIntegrity
{
    /// <summary>One version, with the footer the agent writes when the session ends.</summary>
    [JsonStringEnumMemberName("intact")]
    Intact,

    /// <summary>
    /// Written again or deleted after the agent's upload (more than one version, or a delete marker). The portal shows,
    /// indexes and serves the first version; the later ones can be read by their version id.
    /// </summary>
    [JsonStringEnumMemberName("modified")]
    Modified,

    /// <summary>One version, but without the agent's closing footer: the upload was cut short or the file edited.</summary>
    [JsonStringEnumMemberName("truncated")]
    Truncated,
}

/// <summary>One stored version of a transcript object, oldest first in a listing.</summary>
/// <param name="VersionId">S3's version id (<c>null</c> as a string on a bucket that never had versioning).</param>
/// <param name="LastModified">When S3 stored it.</param>
/// <param name="Size">Bytes (0 for a delete marker).</param>
/// <param name="ETag">Its ETag.</param>
/// <param name="IsLatest">Whether it is what a plain GET returns.</param>
/// <param name="IsDeleteMarker">Whether it records a deletion rather than content.</param>
public sealed record TranscriptVersion(string VersionId, DateTimeOffset? LastModified, long Size, string? ETag, bool IsLatest, bool IsDeleteMarker);

/// <summary>How the portal judges a transcript's integrity.</summary>
public static class TranscriptIntegrityRules
{
    /// <summary>
    /// How long after a session ends its transcript's first version may be written and still be the agent's: the agent
    /// uploads when the session ends (a large transcript in parts, retried for a while), so a first version written an
    /// hour or more later was written by someone else, with the bastion role's credentials.
    /// </summary>
    public static readonly TimeSpan LateUpload = TimeSpan.FromHours(1);

    /// <summary>
    /// Modified when there is more than one version or a delete marker, or the first version was written
    /// <see cref="LateUpload"/> or more after Session Manager says the session ended; else truncated without the agent's
    /// footer; else intact.
    /// </summary>
    /// <param name="versions">Versions S3 holds, delete markers included.</param>
    /// <param name="altered">A delete marker is among them.</param>
    /// <param name="hasFooter">The first version ends with the agent's footer.</param>
    /// <param name="firstWrittenAt">When S3 stored the first version.</param>
    /// <param name="sessionEndedAt">When Session Manager says the session ended, where it says.</param>
    public static TranscriptIntegrity Judge(int versions, bool altered, bool hasFooter, DateTimeOffset? firstWrittenAt = null, DateTimeOffset? sessionEndedAt = null) =>
        altered || versions > 1 || IsLate(firstWrittenAt, sessionEndedAt) ? TranscriptIntegrity.Modified
        : !hasFooter ? TranscriptIntegrity.Truncated
        : TranscriptIntegrity.Intact;

    /// <summary>True when the first version was written <see cref="LateUpload"/> or more after the session ended.</summary>
    public static bool IsLate(DateTimeOffset? firstWrittenAt, DateTimeOffset? sessionEndedAt) =>
        firstWrittenAt is { } written && sessionEndedAt is { } ended && written - ended >= LateUpload;
}

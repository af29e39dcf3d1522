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
    /// Modified when there is more than one version or a delete marker; else truncated without the agent's footer;
    /// else intact.
    /// </summary>
    public static TranscriptIntegrity Judge(int versions, bool altered, bool hasFooter) =>
        altered || versions > 1 ? TranscriptIntegrity.Modified
        : !hasFooter ? TranscriptIntegrity.Truncated
        : TranscriptIntegrity.Intact;
}

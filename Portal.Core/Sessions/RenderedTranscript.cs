using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>A transcript rendered as the terminal showed it, with what the auditor needs to cite it.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Key">The S3 key.</param>
/// <param name="Size">Object size in bytes.</param>
/// <param name="ETag">The object's ETag.</param>
/// <param name="LastModified">When S3 stored it.</param>
/// <param name="Header">The <c>Script started on</c> line, when present.</param>
/// <param name="Footer">The <c>Script done on</c> line; none means the transcript was cut short.</param>
/// <param name="Document">The rows and logical lines, packed; text and HTML are made per row on demand.</param>
/// <param name="PartlyRead">True when the object is larger than <see cref="SessionLogOptions.MaxRenderBytes"/> and only that much was read.</param>
/// <param name="VersionId">The S3 version rendered (the first, unless another was asked for).</param>
/// <param name="Versions">Every version S3 holds of the object, oldest first.</param>
/// <param name="Integrity">Whether the transcript is as the agent wrote it.</param>
public sealed record RenderedTranscript(
    string SessionId,
    string Key,
    long Size,
    string? ETag,
    DateTimeOffset? LastModified,
    string? Header,
    string? Footer,
    TranscriptDocument Document,
    bool PartlyRead,
    string? VersionId = null,
    IReadOnlyList<TranscriptVersion>? Versions = null,
    TranscriptIntegrity Integrity = TranscriptIntegrity.Intact)
{
    /// <summary>When Session Manager says the session ended, where it still knows.</summary>
    public DateTimeOffset? SessionEndedAt { get; init; }

    /// <summary>The first version was written long after the session ended (<see cref="TranscriptIntegrityRules.LateUpload"/>).</summary>
    public bool WrittenLate => TranscriptIntegrityRules.IsLate(Versions?.FirstOrDefault(v => !v.IsDeleteMarker)?.LastModified, SessionEndedAt);

    /// <summary>Whether what is shown is the first version, the one the agent wrote.</summary>
    public bool IsFirstVersion => Versions is not { Count: > 0 } all || all.FirstOrDefault(v => !v.IsDeleteMarker)?.VersionId == VersionId;

    /// <summary>True when the document holds only the beginning: the object was read in part, or its render stopped.</summary>
    public bool Truncated => PartlyRead || Document.Truncated;

    /// <summary>The last terminal title the session set.</summary>
    public string? Title => Document.Title;

    /// <summary>The width it was rendered at.</summary>
    public int Columns => Document.Columns;
}

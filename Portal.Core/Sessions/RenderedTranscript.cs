using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>A transcript rendered as the terminal showed it, with what the auditor needs to cite it.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Key">The S3 key.</param>
/// <param name="Size">Object size in bytes.</param>
/// <param name="ETag">The object's ETag.</param>
/// <param name="LastModified">When S3 stored it.</param>
/// <param name="Document">The rows and logical lines, packed; text and HTML are made per row on demand.</param>
/// <param name="PartlyRead">True when the object is larger than <see cref="SessionLogOptions.MaxRenderBytes"/> and only that much was read.</param>
/// <param name="VersionId">The S3 version rendered (the first, unless another was asked for).</param>
/// <param name="Versions">Every version S3 holds of the object, oldest first.</param>
public sealed record RenderedTranscript(
    string SessionId,
    string Key,
    long Size,
    string? ETag,
    DateTimeOffset? LastModified,
    TranscriptDocument Document,
    bool PartlyRead,
    string? VersionId = null,
    IReadOnlyList<TranscriptVersion>? Versions = null)
{
    /// <summary>The <c>Script started on</c> line, when present.</summary>
    public string? Header => Document.Header;

    /// <summary>The <c>Script done on</c> line (known once the document is complete); none means the transcript was cut short.</summary>
    public string? Footer => Document.Footer;

    /// <summary>Whether the transcript is as the agent wrote it; final once the document is complete (the footer is at its end).</summary>
    public TranscriptIntegrity Integrity => Versions is { Count: > 0 } versions
        ? TranscriptIntegrityRules.Judge(versions.Count, versions.Any(v => v.IsDeleteMarker), Footer is not null, versions.FirstOrDefault(v => !v.IsDeleteMarker)?.LastModified, SessionEndedAt)
        : TranscriptIntegrityRules.Judge(1, false, Footer is not null, LastModified, SessionEndedAt);

    /// <summary>The log bucket it was read from.</summary>
    public string? Bucket { get; init; }

    /// <summary>The width that was asked for; none when the size was inferred.</summary>
    public int? ColumnsAsked { get; init; }

    /// <summary>Everything but the rows: enough to find the same render again (<see cref="ISessionTranscripts.FindOpen"/>).</summary>
    public TranscriptHandle Handle => new(Bucket ?? string.Empty, SessionId, Key, Size, ETag, LastModified, VersionId, Versions ?? [], SessionEndedAt, ColumnsAsked, PartlyRead);

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

/// <summary>
/// A rendered transcript without its rows: what a prerendered page hands to its live page, which finds the same render
/// again with <see cref="ISessionTranscripts.FindOpen"/> instead of reading it a second time.
/// </summary>
public sealed record TranscriptHandle(
    string Bucket,
    string SessionId,
    string Key,
    long Size,
    string? ETag,
    DateTimeOffset? LastModified,
    string? VersionId,
    IReadOnlyList<TranscriptVersion> Versions,
    DateTimeOffset? SessionEndedAt,
    int? Columns,
    bool PartlyRead);

using System.Text.Json.Serialization;

namespace Portal.Core.Sessions.Annotations;

/// <summary>What an annotation is: a label on the session, a marked line, or a remark.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnnotationKind>))]
public enum AnnotationKind
{
    /// <summary>A short label on the whole session (<c>incident-42</c>, <c>needs-review</c>).</summary>
    [JsonStringEnumMemberName("tag")]
    Tag,

    /// <summary>A line marked to come back to, with an optional label.</summary>
    [JsonStringEnumMemberName("bookmark")]
    Bookmark,

    /// <summary>A remark on the session or on one of its lines.</summary>
    [JsonStringEnumMemberName("comment")]
    Comment,
}

/// <summary>An auditor's annotation on a session or one of its lines.</summary>
/// <param name="Id">The annotation's number.</param>
/// <param name="SessionId">The session it is about.</param>
/// <param name="Kind">Tag, bookmark or comment.</param>
/// <param name="Line">
/// The 1-based logical line it marks (a line wrapped over several rows is one line, so the anchor holds at any width);
/// null for the whole session. Tags are always on the whole session.
/// </param>
/// <param name="Quote">The start of that line when it was annotated, secrets masked: what the line said, for readers elsewhere.</param>
/// <param name="Text">The tag, the bookmark's label (may be empty) or the comment.</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="RemovedBy">Who removed it, when it was removed: removed annotations leave the page but stay on record.</param>
/// <param name="RemovedAt">When it was removed.</param>
public sealed record SessionAnnotation(
    long Id,
    string SessionId,
    AnnotationKind Kind,
    int? Line,
    string? Quote,
    string Text,
    string Author,
    DateTimeOffset CreatedAt,
    string? RemovedBy = null,
    DateTimeOffset? RemovedAt = null)
{
    /// <summary>True while the annotation stands (not removed).</summary>
    public bool IsCurrent => RemovedAt is null;
}

/// <summary>An annotation to add.</summary>
/// <param name="Kind">Tag, bookmark or comment.</param>
/// <param name="Text">The tag (1 to 40 letters, digits and <c>-_.:/#</c>), the bookmark's label (up to 200 characters, may be empty) or the comment (1 to 2,000 characters).</param>
/// <param name="Line">The 1-based logical line; required for a bookmark, optional for a comment, never for a tag.</param>
/// <param name="Quote">The line's text as the annotator saw it; kept masked and cut to 200 characters.</param>
public sealed record NewAnnotation(AnnotationKind Kind, string? Text, int? Line = null, string? Quote = null);

/// <summary>How many annotations a session has, for lists: its tags and the count of its bookmarks and comments.</summary>
public sealed record AnnotationSummary(IReadOnlyList<string> Tags, int Notes);

/// <summary>How long an annotation's parts may be.</summary>
public static class AnnotationLimits
{
    /// <summary>The longest tag.</summary>
    public const int MaxTagLength = 40;

    /// <summary>The longest bookmark label.</summary>
    public const int MaxLabelLength = 200;

    /// <summary>The longest comment.</summary>
    public const int MaxCommentLength = 2000;

    /// <summary>How much of the annotated line is kept with the annotation.</summary>
    public const int MaxQuoteLength = 200;

    /// <summary>The longest folded text and quote kept for search.</summary>
    public const int MaxFoldedLength = MaxCommentLength + MaxQuoteLength + 1;
}

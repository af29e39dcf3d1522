namespace Portal.Core.Sessions.Annotations;

/// <summary>The stored annotation. Removal only stamps it: the record stays for the evidence bundle.</summary>
internal sealed class AnnotationRecord
{
    public long Id { get; set; }

    public required string SessionId { get; set; }

    public AnnotationKind Kind { get; set; }

    public int? Line { get; set; }

    public string? Quote { get; set; }

    public required string Text { get; set; }

    /// <summary>A tag in lower case, for finding a session's tags whatever case they were typed in; null for other kinds.</summary>
    public string? TagKey { get; set; }

    /// <summary>The text and the quote in lower case, what a search looks in.</summary>
    public required string Folded { get; set; }

    public required string Author { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? RemovedBy { get; set; }

    public DateTimeOffset? RemovedAt { get; set; }

    public SessionAnnotation ToAnnotation() => new(Id, SessionId, Kind, Line, Quote, Text, Author, CreatedAt, RemovedBy, RemovedAt);
}

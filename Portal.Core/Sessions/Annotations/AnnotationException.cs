using Portal.Core.Text;

namespace Portal.Core.Sessions.Annotations;

/// <summary>Why an annotation was not added or removed.</summary>
public enum AnnotationRefusal
{
    /// <summary>The annotation is not well formed: the message says what to change.</summary>
    Invalid,

    /// <summary>There is no such annotation on the session.</summary>
    NotFound,

    /// <summary>Only its author or an Admin may remove an annotation.</summary>
    NotYours,
}

/// <summary>An annotation was refused; the message (English) and the phrase (any language) are fit to show the person who asked.</summary>
public sealed class AnnotationException(AnnotationRefusal refusal, Phrase phrase) : Exception(phrase.English)
{
    /// <summary>Why, to say in the person's language.</summary>
    public Phrase Phrase { get; } = phrase;

    /// <summary>Why it was refused.</summary>
    public AnnotationRefusal Refusal { get; } = refusal;
}

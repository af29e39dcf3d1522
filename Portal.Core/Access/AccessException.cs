using Portal.Core.Text;
namespace Portal.Core.Access;

/// <summary>Why an access action was refused; the API maps each kind to its status code.</summary>
public enum AccessRefusal
{
    /// <summary>The input is wrong (400); <see cref="AccessException.Errors"/> names each problem.</summary>
    Invalid,

    /// <summary>No such request or grant (404).</summary>
    NotFound,

    /// <summary>The person may not do this to this request or grant (403).</summary>
    Forbidden,

    /// <summary>Its state does not allow it, or it is one's own request (409).</summary>
    Conflict,
}

/// <summary>
/// An access action that was refused before anything changed. The message and <see cref="Errors"/> are English (the
/// API's); <see cref="Phrase"/> and <see cref="ErrorPhrases"/> say the same in a person's language.
/// </summary>
public sealed class AccessException(AccessRefusal refusal, Phrase phrase, IReadOnlyDictionary<string, Phrase[]>? errors = null) : Exception(phrase.English)
{
    /// <summary>Why.</summary>
    public AccessRefusal Refusal { get; } = refusal;

    /// <summary>Why, to say in a person's language.</summary>
    public Phrase Phrase { get; } = phrase;

    /// <summary>With <see cref="AccessRefusal.Invalid"/>: the problems, by field (camelCase, as the API names them).</summary>
    public IReadOnlyDictionary<string, Phrase[]> ErrorPhrases { get; } = errors ?? new Dictionary<string, Phrase[]>();

    /// <summary>The problems in <paramref name="culture"/>'s language, by field.</summary>
    public IReadOnlyDictionary<string, string[]> ErrorsIn(System.Globalization.CultureInfo culture) =>
        ErrorPhrases.ToDictionary(e => e.Key, e => e.Value.Select(p => p.ToString(culture)).ToArray());

    /// <summary>The problems in English, by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => ErrorPhrases.ToDictionary(e => e.Key, e => e.Value.Select(p => p.English).ToArray());

    internal static AccessException Invalid(string field, Phrase message) => new(AccessRefusal.Invalid, message, new Dictionary<string, Phrase[]> { [field] = [message] });
}

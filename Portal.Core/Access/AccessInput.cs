using System.Text.RegularExpressions;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>The free text access takes (reasons, comments): checked alike everywhere.</summary>
internal static partial class AccessInput
{
    public const int MaxText = 1000;

    /// <summary>A required reason's problem, or <see langword="null"/> when it is fine.</summary>
    public static Phrase? ReasonProblem(string? reason, Phrase missing) =>
        string.IsNullOrWhiteSpace(reason) ? missing
        : reason.Length > MaxText || ControlCharacters().IsMatch(reason) ? new Phrase("A reason is up to {0} characters, without control characters.", MaxText)
        : null;

    /// <summary>A checked, trimmed required reason.</summary>
    /// <exception cref="AccessException">Missing or malformed (Invalid).</exception>
    public static string Reason(string? reason, Phrase missing, string field = "reason") =>
        ReasonProblem(reason, missing) is { } problem ? throw AccessException.Invalid(field, problem) : reason!.Trim();

    /// <summary>A checked, trimmed optional comment; <see langword="null"/> when blank.</summary>
    /// <exception cref="AccessException">Too long or with control characters (Invalid).</exception>
    public static string? Comment(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return null;
        }

        return comment.Length > MaxText || ControlCharacters().IsMatch(comment)
            ? throw AccessException.Invalid("comment", new Phrase("A comment is up to {0} characters, without control characters.", MaxText))
            : comment.Trim();
    }

    public static string Cut(string text, int max = 2000) => text.Length <= max ? text : text[..max];

    [GeneratedRegex(@"[\p{Cc}-[\r\n\t]]")]
    public static partial Regex ControlCharacters();
}

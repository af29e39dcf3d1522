using System.Globalization;
using Portal.Core.Text;

namespace Portal.Core.ApiTokens;

/// <summary>
/// The messages of <see cref="ApiTokenRequest"/>'s checks, in the current UI culture: DataAnnotations reads them by
/// name each time it validates, so the page says them in the person's language and the API (which validates in the
/// invariant culture) in English.
/// </summary>
public static class ApiTokenMessages
{
    /// <summary>The name is missing.</summary>
    public static string NameRequired => Say(new Phrase("Give the token a name."));

    /// <summary>The name breaks the pattern.</summary>
    public static string NamePattern => Say(new Phrase("Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."));

    /// <summary>No role was chosen.</summary>
    public static string RoleRequired => Say(new Phrase("Choose a role."));

    /// <summary>The lifetime is out of range.</summary>
    public static string DaysRange => Say(new Phrase("A token lives 1 to {0} days.", ApiTokenRequest.MaxDays));

    private static string Say(Phrase phrase) => phrase.ToString(CultureInfo.CurrentUICulture);
}

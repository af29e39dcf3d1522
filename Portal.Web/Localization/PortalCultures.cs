using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Portal.Web.Localization;

/// <summary>
/// The languages the portal speaks: English and Japanese. A person's choice is kept in the standard culture cookie;
/// without one, the browser's Accept-Language decides; English otherwise.
/// </summary>
internal static class PortalCultures
{
    /// <summary>The culture names, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["en", "ja"];

    /// <summary>How each language calls itself, for the user menu.</summary>
    public static IReadOnlyDictionary<string, string> NativeNames { get; } = new Dictionary<string, string> { ["en"] = "English", ["ja"] = "日本語" };

    /// <summary>Finds the supported culture a requested name belongs to (<c>ja-JP</c> is <c>ja</c>); null for others.</summary>
    public static string? Supported(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        return Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(n + "-", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The request culture options: cookie first, then Accept-Language; no query string, so links stay clean.</summary>
    public static RequestLocalizationOptions Options()
    {
        var cultures = Names.Select(CultureInfo.GetCultureInfo).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Names[0]),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        return options;
    }
}

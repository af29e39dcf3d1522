namespace Portal.Web.Localization;

/// <summary>
/// The portal's own texts, for <c>IStringLocalizer&lt;Strings&gt;</c> (<c>L[text]</c> in components). The key is the
/// English text, so markup reads as the page does and English needs no resource; <c>Strings.ja.resx</c> holds the
/// Japanese. The check in <c>Directory.Build.targets</c> fails the build when a key used in the code is missing
/// there, is left there unused, or loses a <c>{0}</c> placeholder (ADR 0022).
/// </summary>
public sealed class Strings
{
    private Strings()
    {
    }
}

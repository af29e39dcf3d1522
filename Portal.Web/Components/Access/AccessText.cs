using Microsoft.Extensions.Localization;
using Portal.Web.Localization;

namespace Portal.Web.Components.Access;

/// <summary>Ages and durations as the access pages write them, in the person's language.</summary>
internal static class AccessText
{
    /// <summary>How long something has waited: <c>just now</c>, <c>12 min</c>, <c>3 h 5 min</c>.</summary>
    public static string Age(TimeSpan age, IStringLocalizer<Strings> L) =>
        age.TotalMinutes < 1 ? L["just now"] : age.TotalHours < 1 ? L["{0} min", (int)age.TotalMinutes] : L["{0} h {1} min", (int)age.TotalHours, age.Minutes];

    /// <summary>How long ago: <c>just now</c>, <c>12 min ago</c>.</summary>
    public static string Ago(TimeSpan age, IStringLocalizer<Strings> L) =>
        age.TotalMinutes < 1 ? L["just now"] : L["{0} ago", Age(age, L)];

    /// <summary>A grant's length in the person's language: <c>30 min</c>, <c>2 h</c>, <c>1 h 30 min</c>, as Core says it.</summary>
    public static string Duration(int minutes) =>
        Portal.Core.Access.GrantPolicy.DurationPhrase(minutes).ToString(System.Globalization.CultureInfo.CurrentUICulture);
}

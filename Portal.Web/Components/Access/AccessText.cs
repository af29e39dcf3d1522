namespace Portal.Web.Components.Access;

/// <summary>Ages as the access pages write them (durations: <see cref="Portal.Core.Access.GrantPolicy.Duration"/>).</summary>
internal static class AccessText
{
    /// <summary>How long something has waited: <c>just now</c>, <c>12 min</c>, <c>3 h 5 min</c>.</summary>
    public static string Age(TimeSpan age) =>
        age.TotalMinutes < 1 ? "just now" : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min" : $"{(int)age.TotalHours} h {age.Minutes} min";
}

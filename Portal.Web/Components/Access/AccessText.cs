namespace Portal.Web.Components.Access;

/// <summary>Durations and ages as the access pages write them.</summary>
internal static class AccessText
{
    /// <summary>A grant's length: <c>30 min</c>, <c>2 h</c>, <c>1 h 30 min</c>.</summary>
    public static string Duration(int minutes) =>
        minutes < 60 ? $"{minutes} min" : minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";

    /// <summary>How long something has waited: <c>just now</c>, <c>12 min</c>, <c>3 h 5 min</c>.</summary>
    public static string Age(TimeSpan age) =>
        age.TotalMinutes < 1 ? "just now" : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min" : $"{(int)age.TotalHours} h {age.Minutes} min";
}

namespace Portal.Core.ApiTokens;

/// <summary>Which roles a person may put on a token: only those they hold themselves.</summary>
public static class ApiTokenRoles
{
    /// <summary>Why <paramref name="role"/> cannot go on a token issued by someone holding <paramref name="held"/>.</summary>
    public static string NotHeld(string role, IEnumerable<string> held) =>
        $"You can issue tokens only with a role you hold ({string.Join(", ", held)}); a {role} token must come from someone who is one.";
}

using System.Text.RegularExpressions;

namespace Portal.Core.Sessions;

/// <summary>
/// Session ids as Session Manager makes them: the principal (IAM user, role session name: letters, digits and
/// <c>+=,.@_-</c>), a dash, an opaque suffix; 1 to 96 characters. Checked before an id becomes an S3 key.
/// </summary>
public static partial class SessionIds
{
    /// <summary>True when <paramref name="sessionId"/> can be a Session Manager session id.</summary>
    public static bool IsValid(string? sessionId) => sessionId is not null && Pattern().IsMatch(sessionId);

    [GeneratedRegex("^[A-Za-z0-9+=,.@_-]{1,96}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using System.Security.Claims;
using Portal.Core.Identity;

namespace Portal.Web.Auth;

/// <summary>The claims a signed-in portal person carries, whatever the sign-in method.</summary>
internal static class PortalClaims
{
    public const string IamUser = "portal:iam_user";
    public const string DisplayName = "portal:display_name";
    public const string Method = "portal:auth_method";
    public const string SignedInAt = "portal:signed_in_at";

    public static ClaimsPrincipal Create(string name, string displayName, IEnumerable<string> roles, string? iamUser, string method, string authenticationType, string? email = null)
    {
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaim(new Claim(DisplayName, displayName));
        identity.AddClaim(new Claim(Method, method));
        if (!string.IsNullOrWhiteSpace(iamUser))
        {
            identity.AddClaim(new Claim(IamUser, iamUser));
        }

        // Kept for access requests that find a person's IAM user by an e-mail tag.
        if (!string.IsNullOrWhiteSpace(email))
        {
            identity.AddClaim(new Claim(ClaimTypes.Email, email));
        }

        foreach (var role in roles.Select(PortalRoles.Normalize).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>The same person with other portal roles (read again from the provider).</summary>
    public static ClaimsPrincipal WithRoles(this ClaimsPrincipal user, IEnumerable<string> roles) =>
        Rebuilt(user, c => c.Type != ClaimTypes.Role, roles.Select(PortalRoles.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Select(r => new Claim(ClaimTypes.Role, r)));

    /// <summary>The same person under the portal's name for them (the people directory's, by issuer and subject).</summary>
    public static ClaimsPrincipal Renamed(this ClaimsPrincipal user, string name) =>
        Rebuilt(user, c => c.Type != ClaimTypes.Name, [new Claim(ClaimTypes.Name, name)]);

    /// <summary>When the person signed in (for the sign-in's absolute lifetime), or <see langword="null"/>.</summary>
    public static DateTimeOffset? SignedInAtOf(this ClaimsPrincipal user) =>
        DateTimeOffset.TryParse(user.FindFirst(SignedInAt)?.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static ClaimsPrincipal Rebuilt(ClaimsPrincipal user, Func<Claim, bool> keep, IEnumerable<Claim> added)
    {
        var from = user.Identity as ClaimsIdentity;
        var identity = new ClaimsIdentity(from?.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaims(user.Claims.Where(keep).Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer)));
        identity.AddClaims(added);
        return new ClaimsPrincipal(identity);
    }

    public static IReadOnlyList<string> Roles(this ClaimsPrincipal user) =>
        [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(r => PortalRoles.Normalize(r) is not null)];

    public static string DisplayNameOf(this ClaimsPrincipal user) =>
        user.FindFirst(DisplayName)?.Value ?? user.Identity?.Name ?? "unknown";

    public static string ActorOf(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>The person as access requests see them: name, e-mail, the IAM user the sign-in names, and the portal roles.</summary>
    public static Portal.Core.Access.AccessPerson ToAccessPerson(this ClaimsPrincipal user) =>
        new(user.ActorOf(), user.FindFirst(ClaimTypes.Email)?.Value, user.FindFirst(IamUser)?.Value, [.. Portal.Core.Identity.PortalRoles.All.Where(user.IsInRole)]);
}

using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Portal.Web.Auth;

/// <summary>
/// Whether a sign-in still holds, for every request (the cookie's validation) and every open page (the circuit's
/// revalidation): not older than <see cref="PortalAuthOptions.SessionLifetime"/>, and for OpenID Connect with the
/// roles the provider gives now (read again every <see cref="PortalAuthOptions.RoleCheckInterval"/>).
/// </summary>
internal sealed class SignInValidity(OidcRoleCheck roles, IOptions<PortalAuthOptions> auth, TimeProvider time)
{
    /// <summary>The principal to keep (the same, or with the roles of now), or why the sign-in is over.</summary>
    public async Task<Verdict> CheckAsync(ClaimsPrincipal user, DateTimeOffset? issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var signedInAt = user.SignedInAtOf() ?? issued;
        if (signedInAt is { } at && time.GetUtcNow() - at > auth.Value.SessionLifetime)
        {
            return new Verdict(null, false, $"the sign-in is older than {auth.Value.SessionLifetime.TotalHours:0.#} h");
        }

        if (user.FindFirst(PortalClaims.Method)?.Value != "oidc")
        {
            return new Verdict(user, false, null);
        }

        switch (await roles.CheckAsync(user.ActorOf(), cancellationToken))
        {
            case RoleCheck.Revoked(var why):
                return new Verdict(null, false, why);
            case RoleCheck.Current(var now) when !now.Order(StringComparer.Ordinal).SequenceEqual(user.Roles().Order(StringComparer.Ordinal)):
                return new Verdict(user.WithRoles(now), true, null);
            default:
                return new Verdict(user, false, null);
        }
    }

    /// <param name="Principal">Who the person is now; <see langword="null"/> when the sign-in is over.</param>
    /// <param name="RolesChanged">The roles differ from the sign-in's.</param>
    /// <param name="Why">Why the sign-in is over.</param>
    public sealed record Verdict(ClaimsPrincipal? Principal, bool RolesChanged, string? Why);
}

using System.Security.Claims;
using System.Text.Json;
using Portal.Core.Identity;

namespace Portal.Web.Auth;

/// <summary>Turns an OpenID Connect identity into a portal identity by configuration: claim values to roles.</summary>
internal static class RoleClaimMapper
{
    public static ClaimsPrincipal Map(ClaimsPrincipal external, OidcSettings settings, string authenticationType)
    {
        var values = ClaimValues(external, settings.RoleClaimType).ToHashSet(StringComparer.Ordinal);
        var roles = settings.RoleMappings
            .Where(mapping => mapping.Value.Any(values.Contains))
            .Select(mapping => PortalRoles.Normalize(mapping.Key))
            .OfType<string>();

        var name = external.FindFirst(settings.NameClaimType)?.Value
            ?? external.FindFirst(ClaimTypes.Name)?.Value
            ?? external.FindFirst("sub")?.Value
            ?? external.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? "unknown";
        var displayName = external.FindFirst("name")?.Value ?? name;
        var iamUser = external.FindFirst(settings.IamUserClaimType ?? settings.NameClaimType)?.Value ?? name;
        var email = external.FindFirst("email")?.Value ?? external.FindFirst(ClaimTypes.Email)?.Value;
        return PortalClaims.Create(name, displayName, roles, iamUser, "oidc", authenticationType, email);
    }

    /// <summary>Claim values, also when a provider sends a list as one JSON array claim.</summary>
    private static IEnumerable<string> ClaimValues(ClaimsPrincipal principal, string claimType)
    {
        foreach (var claim in principal.FindAll(claimType))
        {
            if (claim.Value.StartsWith('['))
            {
                string[]? items = null;
                try
                {
                    items = JsonSerializer.Deserialize<string[]>(claim.Value);
                }
                catch (JsonException)
                {
                    // Not a JSON array after all: take the value as it is.
                }

                if (items is not null)
                {
                    foreach (var item in items)
                    {
                        yield return item;
                    }

                    continue;
                }
            }

            yield return claim.Value;
        }
    }
}

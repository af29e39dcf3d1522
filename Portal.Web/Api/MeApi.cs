using System.Security.Claims;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary><c>GET /api/me</c>: who the caller is, for any portal role.</summary>
internal static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
                user.ActorOf(),
                user.DisplayNameOf(),
                user.Roles(),
                user.FindFirst(PortalClaims.IamUser)?.Value)))
            .RequireAuthorization(PortalPolicies.AnyRole)
            .WithName("GetMe");
        return api;
    }

    internal sealed record MeResponse(string Name, string DisplayName, IReadOnlyList<string> Roles, string? IamUser);
}

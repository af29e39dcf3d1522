using Microsoft.AspNetCore.Localization;
using Portal.Web.Auth;

namespace Portal.Web.Localization;

/// <summary><c>GET /culture?set=ja&amp;returnUrl=/sessions</c>: keeps a person's language in the culture cookie and goes back.</summary>
internal static class CultureEndpoints
{
    public static IEndpointRouteBuilder MapCultureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/culture", SetCulture).AddEndpointFilter<SameSiteOnly>().AllowAnonymous().WithName("SetCulture").ExcludeFromDescription();
        return endpoints;
    }

    private static IResult SetCulture(string? set, string? returnUrl, HttpContext context)
    {
        if (PortalCultures.Supported(set) is not { } culture)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language", detail: $"The portal speaks {string.Join(" and ", PortalCultures.Names)}.");
        }

        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Lax });

        // Only back into the portal: a returnUrl elsewhere would make this an open redirect.
        return TypedResults.LocalRedirect(returnUrl is { Length: > 0 } && Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/");
    }
}

using Microsoft.AspNetCore.Mvc;

namespace Portal.Web.Auth;

/// <summary>
/// Refuses requests another site started (<c>Sec-Fetch-Site: cross-site</c>, or an <c>Origin</c> whose host is not the
/// portal's, <c>null</c> included): the sign-in cookie is SameSite=Lax, which a top-level link from anywhere still carries, so without this
/// a page elsewhere could sign a person out, sign them in as someone else in the sandbox, or download transcripts in
/// their name (and on their audit record). Typed, bookmarked and same-site requests pass; so do clients that send
/// neither header (scripts, which have no cookie to ride on).
/// </summary>
internal sealed class SameSiteOnly : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.HttpContext.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        // The origin's host, not its scheme: behind a load balancer that ends TLS the request itself arrives as http.
        var crossSite = string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase)
            || (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)));
        return crossSite
            ? TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Cross-site request refused", Detail = "Open the portal and do this from its own pages.", Instance = request.Path })
            : await next(context);
    }
}

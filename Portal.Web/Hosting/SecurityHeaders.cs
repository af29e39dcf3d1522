namespace Portal.Web.Hosting;

/// <summary>
/// Headers every response carries (pages, API, downloads, errors, static files), set before anything else can write:
/// <list type="bullet">
/// <item>A Content-Security-Policy that Blazor Server and MudBlazor work under: scripts only from the portal itself
/// (no inline script, no eval), styles also inline (MudBlazor sets style attributes), the circuit's WebSocket to the
/// same origin, and <c>frame-ancestors 'none'</c> so no site can frame a page to click through it.</item>
/// <item><c>X-Content-Type-Options: nosniff</c>, so a transcript download is never run as a script or page.</item>
/// <item><c>Referrer-Policy: same-origin</c>, so links out of the portal do not carry session ids in the URL.</item>
/// </list>
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The policy; <c>form-action</c> is left out, as sign-out's form redirects to the identity provider.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Sets the headers as the response starts, so an error page (whose handler clears the response) has them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}

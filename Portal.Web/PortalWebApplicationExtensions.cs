using Portal.Web.Api;
using Portal.Web.Auth;
using Portal.Web.Components;
using Portal.Web.Hosting;
using Portal.Web.Localization;
using Serilog;

namespace Portal.Web;

/// <summary>The request pipeline and the endpoints: pages, API, sign-in, health.</summary>
internal static class PortalWebApplicationExtensions
{
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: every later step sees the client's address and scheme
        app.UseSecurityHeaders();
        app.UseRequestLocalization(PortalCultures.Options()); // pages in the person's language; the API's problems stay English
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseSerilogRequestLogging();
        BadTokenGuard.Use(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPortalEndpoints(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapPortalAuth();
        app.MapPortalApi();
        app.MapSessionDownloads();
        app.MapCultureEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

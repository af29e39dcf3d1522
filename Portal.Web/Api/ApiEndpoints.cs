namespace Portal.Web.Api;

/// <summary>The HTTP API under <c>/api</c>: bearer tokens, JSON in camelCase, problem details on errors.</summary>
internal static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").DisableAntiforgery();
        api.MapMeApi();
        api.MapAuditApi();
        api.MapTokensApi();
        api.MapSessionIndexApi();
        api.MapSessionsApi();
        api.MapAnnotationsApi();
        api.MapSetupApi();
        api.MapAccessApi();
        api.MapIntegrityApi();
        api.MapSystemApi();
        return endpoints;
    }
}

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.ApiTokens;
using Portal.Core.Identity;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary><c>/api/tokens</c>: Admins list, issue and revoke API tokens.</summary>
internal static class TokensApi
{
    public static RouteGroupBuilder MapTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").RequireAuthorization(PortalPolicies.Admin);
        tokens.MapGet("/", async (IApiTokenService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithName("ListTokens");
        tokens.MapPost("/", IssueAsync).WithName("IssueToken");
        tokens.MapPost("/{id:guid}/revoke", RevokeAsync).WithName("RevokeToken");
        return api;
    }

    private static async Task<Results<Created<IssuedApiToken>, ValidationProblem>> IssueAsync(ApiTokenRequest request, IApiTokenService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new List<ValidationResult>();
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture; // the API's problems are English, whatever the caller's language
        try
        {
            Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true);
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }

        var held = PortalRoles.All.Where(user.IsInRole).ToList();
        if (PortalRoles.Normalize(request.Role) is not { } role)
        {
            errors.Add(new ValidationResult($"Use one of {string.Join(", ", PortalRoles.All)}.", [nameof(request.Role)]));
        }
        else if (!held.Contains(role))
        {
            errors.Add(new ValidationResult(ApiTokenRoles.NotHeld(role, held), [nameof(request.Role)]));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors
                .SelectMany(e => (e.MemberNames.Any() ? e.MemberNames : [string.Empty]).Select(m => (Member: JsonName(m), Message: e.ErrorMessage ?? "Invalid.")))
                .GroupBy(e => e.Member)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        var issued = await service.IssueAsync(request, user.ActorOf(), held, ct);
        return TypedResults.Created($"/api/tokens/{issued.Info.Id}", issued);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, IApiTokenService service, ClaimsPrincipal user, CancellationToken ct) =>
        await service.RevokeAsync(id, user.ActorOf(), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static string JsonName(string member) => member.Length == 0 ? member : char.ToLowerInvariant(member[0]) + member[1..];
}

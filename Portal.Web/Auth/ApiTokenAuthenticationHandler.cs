using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Core.ApiTokens;
using Portal.Core.Sandbox;

namespace Portal.Web.Auth;

/// <summary>
/// Bearer tokens for the HTTP API: issued tokens (stored hashed) and, where the sandbox sign-in is on,
/// <c>sandbox-&lt;name&gt;</c> acting as a seeded person. Answers 401 and 403 with problem details.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiTokenService tokens,
    BadTokenGuard guard,
    IOptions<PortalAuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PortalApiToken";
    internal const string SandboxTokenPrefix = "sandbox-";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        // Sandbox tokens exist exactly when the sandbox's sign-in page does (only ever in Sandbox mode).
        var principal = auth.Value.SandboxSignIn == true && token.StartsWith(SandboxTokenPrefix, StringComparison.Ordinal)
            ? SandboxPrincipal(token[SandboxTokenPrefix.Length..])
            : await IssuedTokenPrincipalAsync(token);

        if (principal is null)
        {
            // The token itself is never written anywhere; its first characters are enough to trace a mistake.
            var shown = token.Length <= 8 ? "(short)" : token[..8] + "…";
            await guard.FailedAsync(BadTokenGuard.AddressOf(Context), shown, Context.RequestAborted);
            return AuthenticateResult.Fail("The bearer token is invalid, expired or revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required", "Send an API token as 'Authorization: Bearer <token>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this request.");

    private static ClaimsPrincipal? SandboxPrincipal(string name) =>
        SandboxPeople.Find(name) is { } person
            ? PortalClaims.Create(person.Name, person.DisplayName, person.Roles, person.Name, "sandbox-token", SchemeName)
            : null;

    private async Task<ClaimsPrincipal?> IssuedTokenPrincipalAsync(string token) =>
        await tokens.ValidateAsync(token, Context.RequestAborted) is { } identity
            ? PortalClaims.Create(identity.Actor, identity.Person ?? identity.Name, identity.Roles, identity.IamUser, "api-token", SchemeName)
            : null;

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        return Response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = Request.Path },
            options: null,
            contentType: "application/problem+json");
    }
}

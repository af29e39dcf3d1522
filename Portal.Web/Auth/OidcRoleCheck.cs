using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Identity;

namespace Portal.Web.Auth;

/// <summary>What reading a person's roles again found.</summary>
internal abstract record RoleCheck
{
    /// <summary>The provider answered: these are the roles now.</summary>
    public sealed record Current(IReadOnlyList<string> Roles) : RoleCheck;

    /// <summary>The provider refused the person's tokens (or there are none left to ask with): they sign in again.</summary>
    public sealed record Revoked(string Why) : RoleCheck;

    /// <summary>Not an OpenID Connect sign-in, or the provider did not answer: keep what the person has.</summary>
    public sealed record Keep : RoleCheck;
}

/// <summary>
/// Reads a signed-in person's roles again from the provider's userinfo endpoint, with the access token of their
/// sign-in (refreshed with the refresh token once it expires, when the provider gave one). Every replica shares the
/// answer through the people directory, so the provider is asked about each person at most once per interval.
/// </summary>
internal sealed partial class OidcRoleCheck(
    IPeople people,
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<PortalAuthOptions> auth,
    IHttpClientFactory http,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<OidcRoleCheck> logger)
{
    public const string HttpClientName = "oidc-role-check";

    public async Task<RoleCheck> CheckAsync(string person, CancellationToken cancellationToken)
    {
        if (await people.GetAsync(person, cancellationToken) is not { } state)
        {
            return new RoleCheck.Keep();
        }

        if (state.Revoked)
        {
            return new RoleCheck.Revoked("the provider refused this sign-in's tokens");
        }

        var now = time.GetUtcNow();
        if (now - state.RolesCheckedAt < auth.Value.RoleCheckInterval)
        {
            return new RoleCheck.Current(state.Roles);
        }

        var outcome = await AskAsync(state, now, cancellationToken);
        switch (outcome)
        {
            case Answer.Roles(var roles, var tokens):
                await people.RecordCheckAsync(person, roles, now, tokens, cancellationToken);
                if (!roles.Order(StringComparer.Ordinal).SequenceEqual(state.Roles.Order(StringComparer.Ordinal)))
                {
                    await audit.RecordAsync(new AuditRecord(person, "auth.roles-changed", null, AuditOutcome.Succeeded, $"the provider now gives {Named(roles)} (was {Named(state.Roles)})"), CancellationToken.None);
                }

                return new RoleCheck.Current(roles);
            case Answer.Refused(var why):
                await people.RecordCheckAsync(person, null, now, null, cancellationToken);
                await audit.RecordAsync(new AuditRecord(person, "auth.sign-in-ended", null, AuditOutcome.Denied, why), CancellationToken.None);
                return new RoleCheck.Revoked(why);
            default:
                return new RoleCheck.Keep();
        }
    }

    private static string Named(IReadOnlyCollection<string> roles) => roles.Count == 0 ? "no portal role" : string.Join(", ", roles);

    private async Task<Answer> AskAsync(PersonState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var options = oidc.Get(AuthServiceCollectionExtensions.OidcScheme);
        var settings = auth.Value.Oidc;
        if (state.Tokens is not { } tokens)
        {
            return new Answer.Refused("no tokens to read the roles with");
        }

        try
        {
            var metadata = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            var client = http.CreateClient(HttpClientName);
            OidcTokens? refreshed = null;
            if (tokens.ExpiresAt is { } expires && expires <= now.AddSeconds(30))
            {
                if (tokens.RefreshToken is null)
                {
                    return new Answer.Refused("the access token expired and the provider gave no refresh token (add the offline_access scope)");
                }

                refreshed = await RefreshAsync(client, metadata.TokenEndpoint, settings, tokens.RefreshToken, now, cancellationToken);
                if (refreshed is null)
                {
                    return new Answer.Refused("the provider refused the refresh token");
                }

                tokens = refreshed;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, metadata.UserInfoEndpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new Answer.Refused($"the userinfo endpoint answered {(int)response.StatusCode}");
            }

            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var claims = new ClaimsIdentity(Claims(document.RootElement), "userinfo");
            var mapped = RoleClaimMapper.Map(new ClaimsPrincipal(claims), settings, "userinfo");
            return new Answer.Roles(mapped.Roles(), refreshed);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The provider is down: people keep their roles until it answers, and never past SessionLifetime.
            LogUnavailable(logger, state.Name, ex);
            return new Answer.Unavailable();
        }
    }

    private static async Task<OidcTokens?> RefreshAsync(HttpClient client, string tokenEndpoint, OidcSettings settings, string refreshToken, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = settings.ClientId!,
        };
        if (!string.IsNullOrEmpty(settings.ClientSecret))
        {
            form["client_secret"] = settings.ClientSecret;
        }

        using var response = await client.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            return null; // invalid_grant: the session at the provider is over
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = document.RootElement;
        var access = root.GetProperty("access_token").GetString()!;
        var refresh = root.TryGetProperty("refresh_token", out var r) ? r.GetString() : refreshToken;
        DateTimeOffset? expires = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? now.AddSeconds(seconds) : null;
        return new OidcTokens(access, refresh, expires);
    }

    /// <summary>Userinfo's members as claims; an array becomes one claim per item.</summary>
    private static IEnumerable<Claim> Claims(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in property.Value.EnumerateArray())
                {
                    yield return new Claim(property.Name, item.ToString());
                }
            }
            else
            {
                yield return new Claim(property.Name, property.Value.ToString());
            }
        }
    }

    /// <summary>The tokens a sign-in brought, as the OpenID Connect handler saved them.</summary>
    public static OidcTokens? TokensOf(AuthenticationProperties properties)
    {
        if (properties.GetTokenValue("access_token") is not { Length: > 0 } access)
        {
            return null;
        }

        DateTimeOffset? expires = DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new OidcTokens(access, properties.GetTokenValue("refresh_token"), expires);
    }

    private abstract record Answer
    {
        public sealed record Roles(IReadOnlyList<string> Value, OidcTokens? Tokens) : Answer;

        public sealed record Refused(string Why) : Answer;

        public sealed record Unavailable : Answer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The roles of {Person} could not be read again: the OpenID Connect provider did not answer; they keep their roles for now")]
    private static partial void LogUnavailable(ILogger logger, string person, Exception exception);
}

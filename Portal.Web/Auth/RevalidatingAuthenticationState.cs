using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Portal.Web.Auth;

/// <summary>
/// An open page (a Blazor circuit) checks its sign-in every <see cref="PortalAuthOptions.RoleCheckInterval"/>: when it
/// has run out, been refused by the provider, or the person's roles changed, the page loses its sign-in and sends the
/// person through sign-in again, which brings the roles of now.
/// </summary>
internal sealed class RevalidatingAuthenticationState(ILoggerFactory logging, IServiceScopeFactory scopes, IOptions<PortalAuthOptions> auth)
    : RevalidatingServerAuthenticationStateProvider(logging)
{
    protected override TimeSpan RevalidationInterval => auth.Value.RoleCheckInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var verdict = await scope.ServiceProvider.GetRequiredService<SignInValidity>().CheckAsync(user, null, cancellationToken);
        return verdict.Principal is not null && !verdict.RolesChanged;
    }
}

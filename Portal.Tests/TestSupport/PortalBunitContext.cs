using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Web.Auth;

namespace Portal.Tests.TestSupport;

/// <summary>bUnit with MudBlazor, loose JS interop, and the portal's real authorization policies.</summary>
public abstract class PortalBunitContext : BunitContext, IAsyncLifetime
{
    protected PortalBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddTransient<MudLocalizer, Portal.Web.Localization.PortalMudLocalizer>();
        Services.AddAuthorizationCore(PortalPolicies.Configure);

        // The real authorization service, so AuthorizeView evaluates the portal's policies, not bUnit's placeholder.
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddCascadingAuthenticationState();
        Services.AddSingleton<Portal.Core.Hosting.IPortalChanges>(Changes);
    }

    /// <summary>Changes as another replica would report them: <see cref="ManualChanges.Raise"/> tells the pages.</summary>
    protected ManualChanges Changes { get; } = new();

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are async-disposable only; xunit disposes async first, then the sync Dispose is a no-op.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    /// <summary>Signs a person in for the components under test, with the portal's claims.</summary>
    protected void SignIn(string name, params string[] roles) =>
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationStateProvider(
            PortalClaims.Create(name, name.ToUpperInvariant(), roles, name, "test", "Test")));

    private sealed class FixedAuthenticationStateProvider(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

/// <summary>Portal changes raised by a test.</summary>
public sealed class ManualChanges : Portal.Core.Hosting.IPortalChanges
{
    public event Action<Portal.Core.Hosting.ChangeTopic>? Changed;

    public void Raise(Portal.Core.Hosting.ChangeTopic topic) => Changed?.Invoke(topic);
}

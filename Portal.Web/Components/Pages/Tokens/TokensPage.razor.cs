using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Core.ApiTokens;
using Portal.Core.Identity;
using Portal.Web.Auth;

namespace Portal.Web.Components.Pages.Tokens;

public partial class TokensPage
{
    private ApiTokenRequest _request = new();
    private IssuedApiToken? _issued;
    private IReadOnlyList<ApiTokenInfo>? _tokens;
    private bool _busy;
    private IReadOnlyList<string> _heldRoles = [];

    [Inject]
    private IApiTokenService Tokens { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        // A token carries only a role its issuer holds.
        var user = (await AuthenticationState).User;
        _heldRoles = [.. PortalRoles.All.Where(user.IsInRole)];
        _request = NewRequest();
        _tokens = await Tokens.ListAsync();
    }

    private async Task IssueAsync()
    {
        _busy = true;
        try
        {
            var user = (await AuthenticationState).User;
            _issued = await Tokens.IssueAsync(_request, user.ActorOf(), _heldRoles);
            _request = NewRequest();
            _tokens = await Tokens.ListAsync();
        }
        catch (ArgumentException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>A blank form whose role is one the issuer holds.</summary>
    private ApiTokenRequest NewRequest()
    {
        var request = new ApiTokenRequest();
        if (!_heldRoles.Contains(request.Role) && _heldRoles.Count > 0)
        {
            request.Role = _heldRoles[0];
        }

        return request;
    }

    private async Task RevokeAsync(ApiTokenInfo token)
    {
        var user = (await AuthenticationState).User;
        if (await Tokens.RevokeAsync(token.Id, user.ActorOf()))
        {
            Snackbar.Add(L["Token {0} revoked.", token.Name], Severity.Success);
        }

        _tokens = await Tokens.ListAsync();
    }

    private string StateOf(ApiTokenInfo token) =>
        token.RevokedAt is not null ? L["revoked"] : token.IsActiveAt(Time.GetUtcNow()) ? L["active"] : L["expired"];
}

using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Web.Auth;
using Portal.Web.Components.Access;

namespace Portal.Web.Components.Pages.Access;

public sealed partial class LiveSessionsPage
{
    internal const int RefreshSeconds = 15;

    private readonly CancellationTokenSource _stopping = new();
    private IReadOnlyList<LiveSessionView>? _sessions;
    private DateTimeOffset? _refreshedAt;
    private string? _error;

    [Inject]
    private ILiveSessionService Sessions { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IOptions<AccessOptions> Options { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Authentication { get; set; } = default!;

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        // Prerendering would list the sessions (and start a refresh loop) for a page replaced a moment later.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        await LoadAsync();
        _ = RefreshAsync(_stopping.Token);
    }

    private async Task RefreshAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(RefreshSeconds), Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            _sessions = await Sessions.ListAsync(_stopping.Token);
            _refreshedAt = Time.GetUtcNow();
            _error = null;
        }
        catch (AwsApiException ex)
        {
            _error = L["Live sessions could not be read: {0} {1} answered {2}. {3}", ex.Service, ex.Operation, ex.ErrorCode, ex.AwsMessage];
        }
    }

    private async Task TerminateAsync(LiveSessionView session)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, (session.Person is null
                ? L["End {0} of {1} on {2}? It cannot be resumed; the portal cannot tell who to notify.", session.SessionId, session.IamUser ?? session.Owner, session.TargetName ?? session.Target]
                : L["End {0} of {1} on {2}? It cannot be resumed; {3} is told why.", session.SessionId, session.IamUser ?? session.Owner, session.TargetName ?? session.Target, session.Person]).Value },
            { d => d.Label, L["Reason"].Value },
            { d => d.Required, true },
            { d => d.ConfirmText, L["End session"].Value },
            { d => d.ConfirmColor, Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>(L["End session"], parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        try
        {
            var actor = (await Authentication).User.ActorOf();
            await Sessions.TerminateAsync(session.SessionId, actor, result.Data as string);
            Snackbar.Add(L["Session {0} ended.", session.SessionId], Severity.Success);
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.Phrase.ToString(CultureInfo.CurrentUICulture), Severity.Warning);
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add(L["{0} answered {1}: the session is still live. {2}", ex.Service, ex.ErrorCode, ex.AwsMessage], Severity.Error);
        }

        await LoadAsync();
    }
}

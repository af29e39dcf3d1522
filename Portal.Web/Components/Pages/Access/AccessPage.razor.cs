using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Core.Identity;
using Portal.Web.Auth;
using Portal.Web.Components.Access;

namespace Portal.Web.Components.Pages.Access;

public partial class AccessPage
{
    private IReadOnlyList<AccessRequest>? _pending;
    private IReadOnlyList<AccessGrant>? _allGrants;
    private IReadOnlyList<Bastion> _bastions = [];
    private IReadOnlyList<string> _users = [];
    private IReadOnlyDictionary<string, string[]> _directErrors = new Dictionary<string, string[]>();
    private readonly DirectGrant _direct = new();
    private bool _showEnded;
    private IReadOnlyList<AccessGrant> _toReview = [];
    private string _me = string.Empty;
    private AccessPerson _person = new(string.Empty);

    [Inject]
    private IAccessRequests Requests { get; set; } = default!;

    [Inject]
    private IAccessGrants Grants { get; set; } = default!;

    [Inject]
    private IBastionDirectory Bastions { get; set; } = default!;

    [Inject]
    private IAccessFindings Findings { get; set; } = default!;

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

    private bool BreakGlassEnabled => Options.Value.BreakGlass.Enabled && _person.Holds(PortalRoles.Requester) && _person.Holds(PortalRoles.Approver);

    private IReadOnlyList<AccessGrant>? VisibleGrants => _showEnded ? _allGrants : _allGrants?.Where(g => g.State is GrantState.Active or GrantState.Approved).ToList();

    protected override async Task OnInitializedAsync()
    {
        var user = (await Authentication).User;
        _me = user.ActorOf();
        _person = user.ToAccessPerson();
        if (!user.IsInRole(PortalRoles.Approver))
        {
            return;
        }

        await LoadAsync();
        try
        {
            _bastions = await Bastions.DescribeAsync();
            _users = await Grants.GranteesAsync();
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add(L["IAM could not be read: {0}.", ex.ErrorCode], Severity.Warning);
        }
    }

    private async Task LoadAsync()
    {
        _pending = await Requests.ListAsync(state: AccessRequestState.Pending);
        _allGrants = await Grants.ListAsync();
        _toReview = await Grants.AwaitingReviewAsync();
    }

    private async Task DecideAsync(AccessRequest request, bool approve)
    {
        var minutes = Minutes(request.DurationMinutes);
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, (request.Kind, approve) switch
            {
                (AccessRequestKind.Extension, true) => L["Approve {0}'s extension of grant {1} by {2}?", request.Requester, request.ExtendsGrantId ?? 0, minutes],
                (AccessRequestKind.Extension, false) => L["Deny {0}'s extension of grant {1} by {2}?", request.Requester, request.ExtendsGrantId ?? 0, minutes],
                (AccessRequestKind.Direct, true) => L["Approve {0}'s direct grant to {1}: {2} on {3}?", request.Requester, request.IamUser, minutes, request.TargetInstanceId],
                (AccessRequestKind.Direct, false) => L["Deny {0}'s direct grant to {1}: {2} on {3}?", request.Requester, request.IamUser, minutes, request.TargetInstanceId],
                (_, true) => L["Approve {0}'s request {1}: {2} on {3}?", request.Requester, request.Id, minutes, request.TargetInstanceId],
                _ => L["Deny {0}'s request {1}: {2} on {3}?", request.Requester, request.Id, minutes, request.TargetInstanceId],
            } },
            { d => d.ConfirmText, approve ? L["Approve"] : L["Deny"] },
            { d => d.ConfirmColor, approve ? Color.Success : Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>(approve ? L["Approve request"] : L["Deny request"], parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        var comment = result.Data as string;
        await ActAsync(async () =>
        {
            var decided = approve ? await Requests.ApproveAsync(request.Id, _person, comment) : await Requests.DenyAsync(request.Id, _me, comment);
            var grant = decided.GrantId is { } id ? await Grants.GetAsync(id) : null;
            return grant switch
            {
                { State: GrantState.Active } when request.Kind == AccessRequestKind.Extension => L["Grant {0} extended: it now ends at {1:HH:mm} UTC.", grant.Id, grant.ExpiresAt.UtcDateTime].Value,
                { State: GrantState.Active } => L["Request {0} approved: grant {1} is active.", request.Id, grant.Id].Value,
                { ErrorCode: { } code } => L["Request {0} approved, but IAM answered {1}: the grant is not active; retry it.", request.Id, code].Value,
                _ when decided.State == AccessRequestState.Pending => L["Approval recorded; request {0} needs more approvers.", request.Id].Value,
                _ => (approve ? L["Request {0} approved.", request.Id] : L["Request {0} denied.", request.Id]).Value,
            };
        });
    }

    private async Task RevokeAsync(AccessGrant grant)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, L["Revoke grant {0} for {1} on {2}? Its policy is removed and live sessions there are ended.", grant.Id, grant.Principal, grant.TargetInstanceId].Value },
            { d => d.ConfirmText, L["Revoke"].Value },
            { d => d.ConfirmColor, Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>(L["Revoke grant"], parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            var revoked = await Grants.RevokeAsync(grant.Id, _me, result.Data as string);
            return L["Grant {0} revoked: {1}.", grant.Id, revoked.Note ?? string.Empty].Value;
        });
    }

    private Task RetryAsync(AccessGrant grant) => ActAsync(async () =>
    {
        var retried = await Grants.RetryAsync(grant.Id, _me);
        return (retried.State == GrantState.Active ? L["Grant {0} is active.", grant.Id] : L["IAM answered {0} again.", retried.ErrorCode ?? string.Empty]).Value;
    });

    private async Task GrantAsync()
    {
        try
        {
            var result = await Requests.GrantDirectlyAsync(_person, new NewGrant(PrincipalType.User, _direct.Name, _direct.Bastion, _direct.Minutes, _direct.Reason));
            _directErrors = new Dictionary<string, string[]>();
            if (result.Grant is { } grant)
            {
                Snackbar.Add(grant.State == GrantState.Active ? L["Grant {0} is active.", grant.Id] : L["Grant {0} made, but IAM answered {1}.", grant.Id, grant.ErrorCode ?? string.Empty], grant.State == GrantState.Active ? Severity.Success : Severity.Warning);
            }
            else
            {
                Snackbar.Add(L["Proposed as request {0}: {1} more approver(s) must agree.", result.Proposal!.Id, Options.Value.RequiredApprovals - 1], Severity.Info);
            }

            await LoadAsync();
        }
        catch (AccessException ex) when (ex.ErrorsIn(CultureInfo.CurrentUICulture).Count > 0)
        {
            _directErrors = ex.ErrorsIn(CultureInfo.CurrentUICulture);
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.Phrase.ToString(CultureInfo.CurrentUICulture), Severity.Warning);
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add(L["{0} answered {1}: {2}", ex.Service, ex.ErrorCode, ex.AwsMessage], Severity.Error);
        }
    }

    private async Task BreakGlassAsync(AccessRequest request)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, L["Approve your own request {0} without another approver? It lasts at most {1}, every approver is told at once, and another approver must acknowledge it.", request.Id, Minutes(Math.Min(request.DurationMinutes, Options.Value.BreakGlass.MaxMinutes))].Value },
            { d => d.Label, L["Why it cannot wait"].Value },
            { d => d.Required, true },
            { d => d.ConfirmText, L["Break glass"].Value },
            { d => d.ConfirmColor, Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>(L["Break glass"], parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            var decided = await Requests.BreakGlassAsync(request.Id, _person, result.Data as string);
            return L["Break-glass: grant {0} made; every approver has been told.", decided.GrantId ?? 0].Value;
        });
    }

    private async Task AcknowledgeAsync(AccessGrant grant)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, L["Acknowledge break-glass grant {0}: {1} on {2}, because: {3}", grant.Id, grant.Person ?? grant.Principal, grant.TargetInstanceId, grant.Reason].Value },
            { d => d.ConfirmText, L["Acknowledge"].Value },
            { d => d.ConfirmColor, Color.Warning },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>(L["Review break-glass"], parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            await Grants.AcknowledgeAsync(grant.Id, _person, result.Data as string);
            return L["Break-glass grant {0} acknowledged.", grant.Id].Value;
        });
    }

    /// <summary>Runs a decision, says what came of it, and reloads; a refusal or an AWS failure is said as it is.</summary>
    private async Task ActAsync(Func<Task<string>> action)
    {
        try
        {
            Snackbar.Add(await action(), Severity.Success);
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.ErrorsIn(CultureInfo.CurrentUICulture).Count > 0 ? string.Join(" ", ex.ErrorsIn(CultureInfo.CurrentUICulture).SelectMany(e => e.Value)) : ex.Phrase.ToString(CultureInfo.CurrentUICulture), Severity.Warning);
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add(L["{0} answered {1}: {2}", ex.Service, ex.ErrorCode, ex.AwsMessage], Severity.Error);
        }

        await LoadAsync();
    }

    private string? DirectError(string field) => _directErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private string Age(DateTimeOffset at) => AccessText.Age(Time.GetUtcNow() - at, L);

    private static string Minutes(int minutes) => AccessText.Duration(minutes);

    private sealed class DirectGrant
    {
        public string? Name { get; set; }

        public string? Bastion { get; set; }

        public int Minutes { get; set; } = 60;

        public string? Reason { get; set; }
    }

    /// <summary>A bastion by its Name tag and id, as the picker shows it.</summary>
    private string BastionLabel(string? instanceId) => Bastion.LabelOf(_bastions, instanceId);
}

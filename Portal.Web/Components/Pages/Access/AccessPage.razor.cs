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
            Snackbar.Add($"IAM could not be read: {ex.ErrorCode}.", Severity.Warning);
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
        var verb = approve ? "Approve" : "Deny";
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, request.Kind switch
            {
                AccessRequestKind.Extension => $"{verb} {request.Requester}'s extension of grant {request.ExtendsGrantId} by {Minutes(request.DurationMinutes)}?",
                AccessRequestKind.Direct => $"{verb} {request.Requester}'s direct grant to {request.IamUser}: {Minutes(request.DurationMinutes)} on {request.TargetInstanceId}?",
                _ => $"{verb} {request.Requester}'s request {request.Id}: {Minutes(request.DurationMinutes)} on {request.TargetInstanceId}?",
            } },
            { d => d.ConfirmText, verb },
            { d => d.ConfirmColor, approve ? Color.Success : Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>($"{verb} request", parameters)).Result;
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
                { State: GrantState.Active } when request.Kind == AccessRequestKind.Extension => $"Grant {grant.Id} extended: it now ends at {grant.ExpiresAt.UtcDateTime:HH:mm} UTC.",
                { State: GrantState.Active } => $"Request {request.Id} approved: grant {grant.Id} is active.",
                { ErrorCode: { } code } => $"Request {request.Id} approved, but IAM answered {code}: the grant is not active; retry it.",
                _ when decided.State == AccessRequestState.Pending => $"Approval recorded; request {request.Id} needs more approvers.",
                _ => $"Request {request.Id} {(approve ? "approved" : "denied")}.",
            };
        });
    }

    private async Task RevokeAsync(AccessGrant grant)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, $"Revoke grant {grant.Id} for {grant.Principal} on {grant.TargetInstanceId}? Its policy is removed and live sessions there are ended." },
            { d => d.ConfirmText, "Revoke" },
            { d => d.ConfirmColor, Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>("Revoke grant", parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            var revoked = await Grants.RevokeAsync(grant.Id, _me, result.Data as string);
            return $"Grant {grant.Id} revoked: {revoked.Note}.";
        });
    }

    private Task RetryAsync(AccessGrant grant) => ActAsync(async () =>
    {
        var retried = await Grants.RetryAsync(grant.Id, _me);
        return retried.State == GrantState.Active ? $"Grant {grant.Id} is active." : $"IAM answered {retried.ErrorCode} again.";
    });

    private async Task GrantAsync()
    {
        try
        {
            var result = await Requests.GrantDirectlyAsync(_person, new NewGrant(PrincipalType.User, _direct.Name, _direct.Bastion, _direct.Minutes, _direct.Reason));
            _directErrors = new Dictionary<string, string[]>();
            if (result.Grant is { } grant)
            {
                Snackbar.Add(grant.State == GrantState.Active ? $"Grant {grant.Id} is active." : $"Grant {grant.Id} made, but IAM answered {grant.ErrorCode}.", grant.State == GrantState.Active ? Severity.Success : Severity.Warning);
            }
            else
            {
                Snackbar.Add($"Proposed as request {result.Proposal!.Id}: {Options.Value.RequiredApprovals - 1} more approver(s) must agree.", Severity.Info);
            }

            await LoadAsync();
        }
        catch (AccessException ex) when (ex.Errors.Count > 0)
        {
            _directErrors = ex.Errors;
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add($"{ex.Service} answered {ex.ErrorCode}: {ex.AwsMessage}", Severity.Error);
        }
    }

    private async Task BreakGlassAsync(AccessRequest request)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, $"Approve your own request {request.Id} without another approver? It lasts at most {Minutes(Math.Min(request.DurationMinutes, Options.Value.BreakGlass.MaxMinutes))}, every approver is told at once, and another approver must acknowledge it." },
            { d => d.Label, "Why it cannot wait" },
            { d => d.Required, true },
            { d => d.ConfirmText, "Break glass" },
            { d => d.ConfirmColor, Color.Error },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>("Break glass", parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            var decided = await Requests.BreakGlassAsync(request.Id, _person, result.Data as string);
            return $"Break-glass: grant {decided.GrantId} made; every approver has been told.";
        });
    }

    private async Task AcknowledgeAsync(AccessGrant grant)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Message, $"Acknowledge break-glass grant {grant.Id}: {grant.Person ?? grant.Principal} on {grant.TargetInstanceId}, because: {grant.Reason}" },
            { d => d.ConfirmText, "Acknowledge" },
            { d => d.ConfirmColor, Color.Warning },
        };
        var result = await (await Dialogs.ShowAsync<DecisionDialog>("Review break-glass", parameters)).Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await ActAsync(async () =>
        {
            await Grants.AcknowledgeAsync(grant.Id, _person, result.Data as string);
            return $"Break-glass grant {grant.Id} acknowledged.";
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
            Snackbar.Add(ex.Errors.Count > 0 ? string.Join(" ", ex.Errors.SelectMany(e => e.Value)) : ex.Message, Severity.Warning);
        }
        catch (AwsApiException ex)
        {
            Snackbar.Add($"{ex.Service} answered {ex.ErrorCode}: {ex.AwsMessage}", Severity.Error);
        }

        await LoadAsync();
    }

    private string? DirectError(string field) => _directErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private string Age(DateTimeOffset at) => AccessText.Age(Time.GetUtcNow() - at, L);

    private string Minutes(int minutes) => AccessText.Duration(minutes, L);

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

using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Web.Auth;
using Portal.Web.Components.Access;

namespace Portal.Web.Components.Pages.Access;

public partial class RequestAccessPage
{
    private IReadOnlyList<Bastion> _bastions = [];
    private IReadOnlyList<AccessRequest>? _requests;
    private Dictionary<long, AccessGrant> _grants = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _formError;
    private string? _bastion;
    private int _minutes = 60;
    private string? _reason;
    private string? _ticket;
    private bool _submitting;

    // False until the bastions are listed: a request sent before then would name no bastion.
    private bool _bastionsListed;

    [Inject]
    private IAccessRequests Requests { get; set; } = default!;

    [Inject]
    private IAccessGrants Grants { get; set; } = default!;

    [Inject]
    private IBastionDirectory Bastions { get; set; } = default!;

    [Inject]
    private IOptions<AccessOptions> Options { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Authentication { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _bastions = await Bastions.DescribeAsync();
        }
        catch (AwsApiException ex)
        {
            _formError = L["The bastions could not be listed: {0}.", ex.ErrorCode];
        }

        _bastion = _bastions.Count == 1 ? _bastions[0].InstanceId : null;
        _bastionsListed = true;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var me = (await Authentication).User.ActorOf();
        _requests = await Requests.ListAsync(me);
        _grants = (await Grants.ListAsync(me)).ToDictionary(g => g.Id);
    }

    private async Task SubmitAsync()
    {
        _submitting = true;
        _formError = null;
        try
        {
            var request = await Requests.RequestAsync((await Authentication).User.ToAccessPerson(), new NewAccessRequest(_bastion, _minutes, _reason, _ticket));
            _errors = new Dictionary<string, string[]>();
            _reason = null;
            _ticket = null;
            Snackbar.Add(L["Request {0} sent to the approvers.", request.Id], Severity.Success);
            await LoadAsync();
        }
        catch (AccessException ex)
        {
            _errors = ex.ErrorsIn(CultureInfo.CurrentUICulture);
            _formError = ex.ErrorsIn(CultureInfo.CurrentUICulture).TryGetValue("iamUser", out var mapping) ? mapping[0] : ex.ErrorsIn(CultureInfo.CurrentUICulture).Count == 0 ? ex.Phrase.ToString(CultureInfo.CurrentUICulture) : null;
        }
        catch (AwsApiException ex)
        {
            _formError = L["IAM could not be read ({0}); nothing was sent.", ex.ErrorCode];
        }
        finally
        {
            _submitting = false;
        }
    }

    private async Task CancelAsync(AccessRequest request)
    {
        try
        {
            await Requests.CancelAsync(request.Id, (await Authentication).User.ActorOf());
            Snackbar.Add(L["Request {0} cancelled.", request.Id], Severity.Info);
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.Phrase.ToString(CultureInfo.CurrentUICulture), Severity.Warning);
        }

        await LoadAsync();
    }

    private async Task ExtendAsync(AccessGrant grant)
    {
        var parameters = new DialogParameters<ExtendDialog>
        {
            { d => d.Message, L["Ask for more time on {0} (grant {1}). Once approved, the grant lasts longer in place: your sessions go on.", grant.TargetInstanceId, grant.Id].Value },
            { d => d.MaxMinutes, Options.Value.MaxDurationMinutes },
        };
        var result = await (await Dialogs.ShowAsync<ExtendDialog>(L["Extend access"], parameters)).Result;
        if (result is null || result.Canceled || result.Data is not ExtendDialog.Extension extension)
        {
            return;
        }

        try
        {
            var request = await Requests.ExtendAsync((await Authentication).User.ToAccessPerson(), grant.Id, extension.Minutes, extension.Reason);
            Snackbar.Add(L["Extension request {0} sent to the approvers.", request.Id], Severity.Success);
        }
        catch (AccessException ex)
        {
            Snackbar.Add(ex.ErrorsIn(CultureInfo.CurrentUICulture).Count > 0 ? string.Join(" ", ex.ErrorsIn(CultureInfo.CurrentUICulture).SelectMany(e => e.Value)) : ex.Phrase.ToString(CultureInfo.CurrentUICulture), Severity.Warning);
        }

        await LoadAsync();
    }

    private async Task CopyAsync(string text)
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", text);
            Snackbar.Add(L["Command copied."], Severity.Info);
        }
        catch (JSException)
        {
            Snackbar.Add(L["The browser did not allow copying: select the command instead."], Severity.Warning);
        }
    }

    private AccessGrant? GrantOf(AccessRequest request) => request.GrantId is { } id ? _grants.GetValueOrDefault(id) : null;

    private string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private static readonly int[] DurationChoices = [15, 30, 60, 120, 240, 480, 720, 1440];

    private IEnumerable<int> Durations() => DurationChoices.Where(m => m <= Options.Value.MaxDurationMinutes);

    private static string Duration(int minutes) => GrantPolicy.DurationPhrase(minutes).ToString(CultureInfo.CurrentUICulture);

    /// <summary>A bastion by its Name tag and id, as the picker shows it.</summary>
    private string BastionLabel(string? instanceId) => Bastion.LabelOf(_bastions, instanceId);
}

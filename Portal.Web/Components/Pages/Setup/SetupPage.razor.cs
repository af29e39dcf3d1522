using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Core.Setup;
using Portal.Web.Auth;

namespace Portal.Web.Components.Pages.Setup;

/// <summary>
/// The setup wizard: the settings step by step, each with the plan's findings for it, then review, apply with a live
/// log, verify and export. Every step is planned again when the admin moves between steps, so what is shown is what
/// AWS holds now.
/// </summary>
public sealed partial class SetupPage : IAsyncDisposable
{

    private readonly CancellationTokenSource _leaving = new();
    private readonly List<LogLine> _log = [];
    private readonly Dictionary<string, StepOutcome> _outcomes = new(StringComparer.Ordinal);

    private SetupSettings _form = new();
    private string _emails = string.Empty;
    private IReadOnlyList<string>? _users;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private AwsCallerIdentity? _identity;
    private IReadOnlyList<Ec2InstanceSummary>? _instances;
    private IReadOnlyDictionary<string, string>? _agents;
    private string? _agentNote;
    private SessionPreferences? _preferences;
    private bool _preferencesLoaded;
    private SavedSetup? _saved;
    private SetupPlan? _plan;
    private SetupApplyResult? _result;
    private double? _applyProgress;
    private string? _running;
    private string? _busy;
    private AwsApiException? _error;
    private IJSObjectReference? _download;
    private int _activeIndex;
    private bool _disposed;

    [Inject]
    private ISetupEngine Engine { get; set; } = default!;

    /// <summary>The account as the wizard reads it (as the setup role, when the portal assumes one).</summary>
    private IAwsEnvironment Environment => Engine.Environment;

    [Inject]
    private ISetupWizard Wizard { get; set; } = default!;

    [Inject]
    private ISetupStore Store { get; set; } = default!;

    [Inject]
    private IOptions<SessionLogOptions> LogOptions { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Authentication { get; set; } = default!;

    /// <summary>Moving to a settings step or the review plans again, so each shows what AWS holds now.</summary>
    private async Task OnStepChangedAsync(int index)
    {
        _activeIndex = index;

        // The stepper reports index changes while it is torn down, after the page has gone.
        if (index > 0 && _busy is null && !_disposed)
        {
            await PlanAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _leaving.CancelAsync();
        _leaving.Dispose();
        if (_download is not null)
        {
            try
            {
                await _download.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var token = _leaving.Token;
        _saved = await Store.GetAsync(token);
        try
        {
            _identity = await Environment.GetCallerIdentityAsync(token);
            _instances = await Environment.ListInstancesAsync(token);
            _preferences = await Environment.GetSessionPreferencesAsync(token);
            _preferencesLoaded = true;
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }

        Edit(_saved?.Settings ?? new SetupSettings { BucketName = SuggestedBucket() });
        try
        {
            _users = await Environment.ListUserNamesAsync(token);
        }
        catch (AwsApiException)
        {
            _users = null; // the field says so; the names already chosen stay
        }

        try
        {
            _agents = await Environment.GetAgentStatusAsync(token);
        }
        catch (AwsApiException ex)
        {
            _agentNote = L["SSM agent status is not available here ({0} from DescribeInstanceInformation).", ex.ErrorCode];
        }
    }

    /// <summary>The bucket the portal already reads transcripts from, else one named after the account.</summary>
    private string SuggestedBucket() =>
        !string.IsNullOrWhiteSpace(LogOptions.Value.Bucket) ? LogOptions.Value.Bucket
        : _identity is not null ? $"session-logs-{_identity.Account}"
        : string.Empty;

    /// <summary>Edits a copy of <paramref name="settings"/>: the saved ones stay as they were until an apply.</summary>
    private void Edit(SetupSettings settings)
    {
        _form = settings with { };
        _emails = string.Join('\n', settings.NotificationEmails);
        _errors = SetupSettingsValidator.ValidateIn(_form.Normalized(), CultureInfo.CurrentUICulture);
    }

    private void ToggleBastion(string instanceId, bool on)
    {
        _form.BastionInstanceIds = on ? [.. _form.BastionInstanceIds, instanceId] : [.. _form.BastionInstanceIds.Where(id => id != instanceId)];
        _errors = SetupSettingsValidator.ValidateIn(_form.Normalized(), CultureInfo.CurrentUICulture);
    }

    private void EmailsChanged(string text)
    {
        _emails = text;
        _form.NotificationEmails = SetupSettings.SplitAddresses(text);
    }

    private void BastionUsersChanged(IEnumerable<string>? users)
    {
        _form.BastionUsers = [.. users ?? []];
        _errors = SetupSettingsValidator.ValidateIn(_form.Normalized(), CultureInfo.CurrentUICulture);
    }

    private async Task PlanAsync()
    {
        var settings = _form.Normalized();
        _errors = SetupSettingsValidator.ValidateIn(settings, CultureInfo.CurrentUICulture);
        if (_errors.Count > 0)
        {
            _plan = null;
            StateHasChanged();
            return;
        }

        await RunAsync(L["Reading what exists in AWS…"], async token =>
        {
            _plan = await Engine.PlanAsync(settings, token);
        });
    }

    private async Task ApplyAsync()
    {
        var settings = _form.Normalized();
        _errors = SetupSettingsValidator.ValidateIn(settings, CultureInfo.CurrentUICulture);
        if (_errors.Count > 0)
        {
            return;
        }

        _log.Clear();
        _outcomes.Clear();
        _result = null;
        _applyProgress = 0;
        var actor = (await Authentication).User.ActorOf();
        var culture = CultureInfo.CurrentUICulture; // progress comes from the engine's thread
        var progress = new Progress<SetupProgress>(p =>
        {
            _log.Add(new LogLine(Time.GetUtcNow(), p.Step, p.Message.ToString(culture)));
            _running = p.Step;
            if (p.Outcome is not null)
            {
                _applyProgress = 100.0 * (Engine.Steps.Select(s => s.Name).ToList().IndexOf(p.Step) + 1) / Engine.Steps.Count;
                _running = null;
            }

            StateHasChanged();
        });

        await RunAsync(L["Applying…"], async token =>
        {
            _running = Engine.Steps[0].Name;
            _result = await Wizard.ApplyAsync(settings, actor, progress, token);
            foreach (var step in _result.Steps)
            {
                _outcomes[step.Name] = step.Outcome;
            }

            _applyProgress = 100;
            _running = null;
            _saved = await Store.GetAsync(token);
            _plan = await Engine.PlanAsync(settings, token);
        });
        _running = null;
        if (_result is { Succeeded: true })
        {
            Snackbar.Add(L["Setup applied."], Severity.Success);
        }
    }

    private async Task VerifyAsync()
    {
        var actor = (await Authentication).User.ActorOf();
        await RunAsync(L["Verifying what AWS holds against the saved settings…"], async token =>
        {
            if (await Wizard.VerifyAsync(actor, token) is { } plan)
            {
                _plan = plan;
                _saved = await Store.GetAsync(token);
                Edit(_saved!.Settings);
                Snackbar.Add(plan.IsComplete ? L["Verified: everything is as applied."] : L["Drift found: the steps say what differs."], plan.IsComplete ? Severity.Success : Severity.Warning);
            }
        });
    }

    private Task ExportShellAsync() => ExportAsync("bastion-portal-setup.sh", "text/x-shellscript", async (settings, token) =>
        SetupExport.ToShellScript(await Engine.PlanAsync(settings, token), Time.GetUtcNow()));

    private Task ExportTemplateAsync() => ExportAsync("bastion-portal-setup.template.json", "application/json", async (settings, token) =>
        SetupCloudFormation.ToTemplate(await Engine.DocumentsAsync(settings, token)));

    private async Task ExportAsync(string fileName, string contentType, Func<SetupSettings, CancellationToken, Task<string>> build)
    {
        var settings = _form.Normalized();
        _errors = SetupSettingsValidator.ValidateIn(settings, CultureInfo.CurrentUICulture);
        if (_errors.Count > 0)
        {
            return;
        }

        await RunAsync(L["Preparing the export…"], async token =>
        {
            var content = await build(settings, token);
            _download ??= await JS.InvokeAsync<IJSObjectReference>("import", token, "./js/download.js");
            await _download.InvokeVoidAsync("saveText", token, fileName, contentType, content);
        });
    }

    /// <summary>Runs one AWS operation at a time, showing what it does; an AWS failure is shown with its code, bad settings by field.</summary>
    private async Task RunAsync(string what, Func<CancellationToken, Task> run)
    {
        if (_disposed)
        {
            return;
        }

        _busy = what;
        _error = null;
        StateHasChanged();
        try
        {
            await run(_leaving.Token);
        }
        catch (SetupValidationException ex)
        {
            _errors = ex.ErrorsIn(CultureInfo.CurrentUICulture);
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }
        catch (OperationCanceledException) when (_leaving.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            _busy = null;
        }

        StateHasChanged();
    }

    private string[] Errors(string field) => _errors.TryGetValue(field, out var messages) ? messages : [];

    private bool HasErrors(string field) => _errors.ContainsKey(field);

    private string? ErrorText(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private StepPlan? PlanOf(string step) => _plan?.Steps.FirstOrDefault(s => s.Name == step);

    private bool StepHasError(string step, params string[] fields) => fields.Any(_errors.ContainsKey) || PlanOf(step)?.ErrorCode is not null || _outcomes.GetValueOrDefault(step) == StepOutcome.Failed;

    private bool StepDone(string step) => PlanOf(step) is { ErrorCode: null, Changes.Count: 0 };

    private string? StepSummary(string step) => PlanOf(step) switch
    {
        null => null,
        { ErrorCode: { } code } => code,
        { Changes.Count: 0 } => L["no change"],
        { Changes.Count: var n } => Changes(n),
    };

    private string? ReviewSummary() => _plan is null ? null : _plan.IsComplete ? L["nothing to change"] : Changes(_plan.Steps.Sum(s => s.Changes.Count));

    private string AgentStatus(string instanceId) =>
        _agents is null ? L["unknown"] : _agents.TryGetValue(instanceId, out var status) ? status : L["not registered"];

    private IEnumerable<StepRow> Rows() => Engine.Steps.Select(step =>
    {
        var name = step.Name;
        var plan = PlanOf(name);
        var planned = plan switch
        {
            null => L["not planned yet"],
            { ErrorCode: { } code } => L["could not read ({0})", code],
            { Changes.Count: 0 } => L["no change"],
            { Changes: var changes } => string.Join("; ", changes.Select(c => c.Description.ToString(CultureInfo.CurrentUICulture))),
        };
        return new StepRow(name, step.Title.ToString(CultureInfo.CurrentUICulture), planned, _running == name && _busy is not null, _outcomes.TryGetValue(name, out var outcome) ? outcome : null);
    });

    /// <summary>A step's title in the person's language.</summary>
    private string TitleOf(string step) => Engine.Steps.FirstOrDefault(s => s.Name == step)?.Title.ToString(CultureInfo.CurrentUICulture) ?? step;

    private string DoneSoFar(SetupApplyResult result) => string.Join("; ", result.Steps
        .Where(s => s.Done.Count > 0)
        .Select(s => $"{TitleOf(s.Name)}: {string.Join(", ", s.Done.Select(d => d.ToString(CultureInfo.CurrentUICulture)))}"));

    private string StatusText(SetupStatus status) => status switch
    {
        SetupStatus.Complete => L["everything was as chosen"],
        SetupStatus.Drifted => L["something had changed since (verify says what)"],
        _ => L["not every step was applied"],
    };

    private static Color ColorOf(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Created or StepOutcome.Updated => Color.Info,
        StepOutcome.Unchanged => Color.Success,
        StepOutcome.Failed => Color.Error,
        _ => Color.Default,
    };

    private string NameOf(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Created => L["created"],
        StepOutcome.Updated => L["updated"],
        StepOutcome.Unchanged => L["unchanged"],
        StepOutcome.Failed => L["failed"],
        StepOutcome.Skipped => L["skipped"],
        _ => JsonSerializer.Serialize(outcome).Trim('"'),
    };

    private string Changes(int n) => L[n == 1 ? "1 change" : "{0} changes", n];

    private sealed record LogLine(DateTimeOffset At, string Step, string Message);

    private sealed record StepRow(string Name, string Title, string Planned, bool Running, StepOutcome? Outcome);

    /// <summary>An instance profile's name from its ARN (<c>arn:aws:iam::123456789012:instance-profile/name</c>), or "none".</summary>
    private string ProfileName(string? arn) => arn is null ? L["none"] : arn[(arn.LastIndexOf('/') + 1)..];
}

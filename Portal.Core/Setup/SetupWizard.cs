using System.Text.Json;
using Portal.Core.Audit;

namespace Portal.Core.Setup;

/// <summary>
/// What the wizard page and the setup API share: apply and verify with the saved settings, the status and the audit
/// trail kept the same way whoever asks.
/// </summary>
public interface ISetupWizard
{
    /// <summary>Applies the settings, saves them with what the apply found, and audits the outcome.</summary>
    /// <param name="settings">The settings to apply.</param>
    /// <param name="actor">Who applies them, for the saved record and the audit trail.</param>
    /// <param name="progress">Receives a line per change as it is made.</param>
    /// <param name="cancellationToken">Stops before the next call.</param>
    /// <exception cref="SetupValidationException">A setting breaks a naming rule; nothing was called or saved.</exception>
    /// <exception cref="Aws.AwsApiException">STS could not say which account this is; nothing was changed.</exception>
    Task<SetupApplyResult> ApplyAsync(SetupSettings settings, string actor, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Reads everything again for the saved settings, records complete or drifted, and audits it.</summary>
    /// <returns>The verification, or <see langword="null"/> when nothing has been applied yet.</returns>
    /// <exception cref="Aws.AwsApiException">STS could not say which account this is.</exception>
    Task<SetupPlan?> VerifyAsync(string actor, CancellationToken cancellationToken = default);
}

internal sealed class SetupWizard(ISetupEngine engine, ISetupStore store, IAuditTrail audit, Sessions.ISessionLogLocation logLocation) : ISetupWizard
{
    private const int MaxDetail = 2000;

    public async Task<SetupApplyResult> ApplyAsync(SetupSettings settings, string actor, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentNullException.ThrowIfNull(settings);
        settings = settings.Normalized();
        SetupApplyResult result;
        try
        {
            result = await engine.ApplyAsync(settings, progress, cancellationToken);
        }
        catch (Aws.AwsApiException ex)
        {
            await audit.RecordAsync(new AuditRecord(actor, "setup.apply", null, AuditOutcome.Failed, $"{ex.Service} answered {ex.ErrorCode} before any change"), CancellationToken.None);
            throw;
        }

        // Saved and audited even when the caller has gone: the changes were made.
        await store.SaveAsync(settings, actor, result.Succeeded ? SetupStatus.Complete : SetupStatus.Incomplete, CancellationToken.None);
        logLocation.Refresh(); // the session browser and the index follow the bucket the preferences now name
        var failed = result.Steps.FirstOrDefault(s => s.Outcome == StepOutcome.Failed);
        var detail = failed is null
            ? string.Join(", ", result.Steps.Select(s => $"{s.Name} {Name(s.Outcome)}"))
            : $"{failed.Name} failed with {failed.ErrorCode} after {failed.Done.Count} change(s) in that step; "
              + string.Join(", ", result.Steps.Where(s => s.Outcome is StepOutcome.Created or StepOutcome.Updated).Select(s => $"{s.Name} {Name(s.Outcome)}"));
        await audit.RecordAsync(
            new AuditRecord(actor, "setup.apply", Target(result.AccountId, result.Region), failed is null ? AuditOutcome.Succeeded : AuditOutcome.Failed, Truncate(detail)),
            CancellationToken.None);
        return result;
    }

    public async Task<SetupPlan?> VerifyAsync(string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        if (await store.GetAsync(cancellationToken) is not { } saved)
        {
            return null;
        }

        var plan = await engine.PlanAsync(saved.Settings, cancellationToken);
        var status = plan.IsComplete ? SetupStatus.Complete : SetupStatus.Drifted;
        await store.RecordStatusAsync(status, CancellationToken.None);
        var drifted = plan.Steps.Where(s => s.ErrorCode is not null || s.Changes.Count > 0).Select(s => s.ErrorCode is null ? $"{s.Name}: {s.Changes.Count} change(s)" : $"{s.Name}: {s.ErrorCode}");
        await audit.RecordAsync(
            new AuditRecord(actor, "setup.verify", Target(plan.AccountId, plan.Region), AuditOutcome.Succeeded, Truncate(status == SetupStatus.Complete ? Name(status) : $"{Name(status)}: {string.Join(", ", drifted)}")),
            CancellationToken.None);
        return plan;
    }

    private static string Target(string account, string region) => $"{account}/{region}";

    private static string Name<T>(T value) => JsonSerializer.Serialize(value).Trim('"');

    private static string Truncate(string text) => text.Length <= MaxDetail ? text : text[..MaxDetail];
}

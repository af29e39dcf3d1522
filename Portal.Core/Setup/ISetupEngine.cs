using Portal.Core.Text;

namespace Portal.Core.Setup;

/// <summary>
/// Plans, applies and verifies the Session Manager setup. Each step reads what exists and lists what differs, so
/// plan, apply and verify agree by construction; apply on a set-up account changes nothing, and apply after a
/// failure resumes where it stopped.
/// </summary>
public interface ISetupEngine
{
    /// <summary>The account as the wizard reads it: with the setup role's credentials when it assumes one (<see cref="SetupOptions.RoleArn"/>).</summary>
    IAwsEnvironment Environment { get; }

    /// <summary>The steps, in the order they run: what the page lists and the API reports.</summary>
    IReadOnlyList<SetupStepInfo> Steps { get; }

    /// <summary>What exists and what apply would change, step by step.</summary>
    /// <exception cref="SetupValidationException">A setting breaks a naming rule; nothing was called.</exception>
    /// <exception cref="Aws.AwsApiException">STS could not say which account this is.</exception>
    Task<SetupPlan> PlanAsync(SetupSettings settings, CancellationToken cancellationToken = default);

    /// <summary>The documents the settings give in this account and region (for a template export).</summary>
    /// <exception cref="SetupValidationException">A setting breaks a naming rule; nothing was called.</exception>
    /// <exception cref="Aws.AwsApiException">STS could not say which account this is.</exception>
    Task<SetupDocuments> DocumentsAsync(SetupSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Makes the changes, step by step, reporting each; stops at the first failure.</summary>
    /// <exception cref="SetupValidationException">A setting breaks a naming rule; nothing was called.</exception>
    /// <exception cref="Aws.AwsApiException">STS could not say which account this is.</exception>
    Task<SetupApplyResult> ApplyAsync(SetupSettings settings, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>A plan, or a verification: what would change is what has drifted.</summary>
/// <param name="AccountId">The account, from STS.</param>
/// <param name="Region">The region.</param>
/// <param name="Steps">Each step's findings, in order.</param>
public sealed record SetupPlan(string AccountId, string Region, IReadOnlyList<StepPlan> Steps)
{
    /// <summary>True when every step read and nothing would change.</summary>
    public bool IsComplete => Steps.All(s => s.ErrorCode is null && s.Changes.Count == 0);
}

/// <summary>What an apply did.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Region">The region.</param>
/// <param name="Steps">Each step's outcome, in order.</param>
public sealed record SetupApplyResult(string AccountId, string Region, IReadOnlyList<StepResult> Steps)
{
    /// <summary>True when no step failed.</summary>
    public bool Succeeded => Steps.All(s => s.Outcome is not (StepOutcome.Failed or StepOutcome.Skipped));
}

/// <summary>A line of an apply's live log.</summary>
/// <param name="Step">The step's name.</param>
/// <param name="Message">What is being done or was done.</param>
/// <param name="Outcome">How the step ended, on its last line; <see langword="null"/> while it runs.</param>
public sealed record SetupProgress(string Step, Phrase Message, StepOutcome? Outcome = null);

/// <summary>A step as the engine runs it.</summary>
/// <param name="Name">Its name in the API.</param>
/// <param name="Title">Its title on the page.</param>
public sealed record SetupStepInfo(string Name, Phrase Title);

/// <summary>Settings that break a naming rule, by setting.</summary>
public sealed class SetupValidationException(IReadOnlyDictionary<string, Phrase[]> problems)
    : Exception("The setup settings are not valid: " + string.Join(" ", problems.SelectMany(e => e.Value)))
{
    /// <summary>The problems in English (the API's problem details), by setting name.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => ErrorsIn(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The problems in <paramref name="culture"/>'s language, by setting name.</summary>
    public IReadOnlyDictionary<string, string[]> ErrorsIn(System.Globalization.CultureInfo culture) => SetupSettingsValidator.Said(problems, culture);
}

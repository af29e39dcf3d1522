using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// One step of the wizard. A step only inspects: it reads what exists and returns the changes that would make it
/// as chosen, each with the call that makes it. Plan shows them, apply runs them in order, verify reports them as
/// drift, so the three can never disagree.
/// </summary>
internal interface ISetupStep
{
    /// <summary>The step's name in the API.</summary>
    string Name { get; }

    /// <summary>The step's title on the page.</summary>
    Phrase Title { get; }

    /// <summary>Reads the step's resources and lists what differs from the settings.</summary>
    /// <exception cref="Aws.AwsApiException">A read failed.</exception>
    Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken);
}

/// <summary>What a step found.</summary>
/// <param name="Exists">Whether the step's main resource exists (apply then reports updated, not created).</param>
/// <param name="Current">What exists now, a line each.</param>
/// <param name="Changes">What would change, in the order it must be done.</param>
/// <param name="Documents">The JSON documents involved, by file name.</param>
internal sealed record StepInspection(bool Exists, IReadOnlyList<Phrase> Current, IReadOnlyList<PendingChange> Changes, IReadOnlyDictionary<string, string> Documents);

/// <summary>A change and the call that makes it.</summary>
internal sealed record PendingChange(SetupChange Change, Func<CancellationToken, Task> ApplyAsync);

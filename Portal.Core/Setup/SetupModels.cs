using System.Text.Json.Serialization;
using Portal.Core.Text;

namespace Portal.Core.Setup;

/// <summary>One change a step would make, with the AWS CLI command that does the same by hand.</summary>
/// <param name="Description">What changes, in a sentence.</param>
/// <param name="CliCommand">The equivalent <c>aws</c> command; documents it names are in the step's documents.</param>
public sealed record SetupChange(Phrase Description, string CliCommand);

/// <summary>What a step found and what it would change.</summary>
/// <param name="Name">The step's name in the API (<c>logBucket</c>, ...).</param>
/// <param name="Title">The step's title on the page.</param>
/// <param name="Current">What exists now, read from AWS, a line each.</param>
/// <param name="Changes">What apply would do, in order; none when everything is as chosen.</param>
/// <param name="Documents">The JSON documents involved, by file name (as the CLI commands refer to them).</param>
/// <param name="ErrorCode">The AWS error code when the step could not be read.</param>
/// <param name="Message">What could not be read.</param>
public sealed record StepPlan(string Name, Phrase Title, IReadOnlyList<Phrase> Current, IReadOnlyList<SetupChange> Changes, IReadOnlyDictionary<string, string> Documents, string? ErrorCode = null, string? Message = null);

/// <summary>How applying a step ended; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepOutcome>))]
public enum StepOutcome
{
    /// <summary>The step's resource did not exist and now does, as chosen.</summary>
    [JsonStringEnumMemberName("created")]
    Created,

    /// <summary>It existed and was changed to match.</summary>
    [JsonStringEnumMemberName("updated")]
    Updated,

    /// <summary>Everything was already as chosen.</summary>
    [JsonStringEnumMemberName("unchanged")]
    Unchanged,

    /// <summary>An AWS call failed; the result says which, and what was already done.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not run, because an earlier step failed.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,
}

/// <summary>The outcome of one step of an apply.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Done">The changes made, in order (on failure, those made before it).</param>
/// <param name="ErrorCode">The AWS error code, on failure.</param>
/// <param name="Message">What failed, on failure.</param>
public sealed record StepResult(string Name, StepOutcome Outcome, IReadOnlyList<Phrase> Done, string? ErrorCode = null, string? Message = null);

/// <summary>Where the settings are applied: the account and region, from STS and configuration.</summary>
/// <param name="Settings">The validated settings.</param>
/// <param name="Documents">The documents for that account and region.</param>
public sealed record SetupContext(SetupSettings Settings, SetupDocuments Documents)
{
    /// <summary>Where a change that takes a while (waiting for IAM to propagate) says how it is going, during an apply.</summary>
    public IProgress<Phrase>? Progress { get; init; }
}

/// <summary>What the last verify found.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SetupStatus>))]
public enum SetupStatus
{
    /// <summary>Everything as chosen.</summary>
    [JsonStringEnumMemberName("complete")]
    Complete,

    /// <summary>Applied once, but something has changed since (or a step could not be read).</summary>
    [JsonStringEnumMemberName("drifted")]
    Drifted,

    /// <summary>Never applied in full.</summary>
    [JsonStringEnumMemberName("incomplete")]
    Incomplete,
}

/// <summary>The settings the portal keeps, and what the last apply or verify found.</summary>
/// <param name="Settings">The settings last applied.</param>
/// <param name="SavedAt">When.</param>
/// <param name="SavedBy">By whom.</param>
/// <param name="Status">What the last apply or verify found.</param>
/// <param name="CheckedAt">When it was checked.</param>
public sealed record SavedSetup(SetupSettings Settings, DateTimeOffset SavedAt, string SavedBy, SetupStatus Status, DateTimeOffset CheckedAt);

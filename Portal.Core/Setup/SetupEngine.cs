using Portal.Core.Aws;
using Portal.Core.Setup.Steps;
using Portal.Core.Text;

namespace Portal.Core.Setup;

internal sealed class SetupEngine(IAwsEnvironment environment, IEnumerable<ISetupStep> steps, PortalIdentity portal) : ISetupEngine
{
    private readonly IReadOnlyList<ISetupStep> _steps = [.. steps];

    public IAwsEnvironment Environment => environment;

    public IReadOnlyList<SetupStepInfo> Steps => [.. _steps.Select(s => new SetupStepInfo(s.Name, s.Title))];

    public async Task<SetupPlan> PlanAsync(SetupSettings settings, CancellationToken cancellationToken = default)
    {
        var context = await ContextAsync(settings, cancellationToken);
        var plans = new List<StepPlan>(_steps.Count);
        foreach (var step in _steps)
        {
            try
            {
                var found = await step.InspectAsync(context, cancellationToken);
                plans.Add(new StepPlan(step.Name, step.Title, found.Current, [.. found.Changes.Select(c => c.Change)], found.Documents));
            }
            catch (AwsApiException ex)
            {
                plans.Add(new StepPlan(step.Name, step.Title, [], [], new Dictionary<string, string>(), ex.ErrorCode, ex.Message));
            }
        }

        return new SetupPlan(context.Documents.AccountId, context.Documents.Region, plans);
    }

    public async Task<SetupDocuments> DocumentsAsync(SetupSettings settings, CancellationToken cancellationToken = default) =>
        (await ContextAsync(settings, cancellationToken)).Documents;

    public async Task<SetupApplyResult> ApplyAsync(SetupSettings settings, IProgress<SetupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var context = await ContextAsync(settings, cancellationToken);
        var results = new List<StepResult>(_steps.Count);
        foreach (var step in _steps)
        {
            if (results.Any(r => r.Outcome == StepOutcome.Failed))
            {
                results.Add(new StepResult(step.Name, StepOutcome.Skipped, []));
                continue;
            }

            var done = new List<Phrase>();
            try
            {
                // Read again right before changing: what an earlier step did, or someone else, is taken into account.
                var stepContext = progress is null ? context : context with { Progress = new StepProgress(step.Name, progress) };
                var found = await step.InspectAsync(stepContext, cancellationToken);
                foreach (var change in found.Changes)
                {
                    progress?.Report(new SetupProgress(step.Name, change.Change.Description));
                    await change.ApplyAsync(cancellationToken);
                    done.Add(change.Change.Description);
                }

                var outcome = found.Changes.Count == 0 ? StepOutcome.Unchanged : found.Exists ? StepOutcome.Updated : StepOutcome.Created;
                progress?.Report(new SetupProgress(step.Name, outcome == StepOutcome.Unchanged ? new Phrase("Nothing to change.") : new Phrase("Done."), outcome));
                results.Add(new StepResult(step.Name, outcome, done));
            }
            catch (AwsApiException ex)
            {
                progress?.Report(new SetupProgress(step.Name, new Phrase("Failed: {0}", ex.Message), StepOutcome.Failed));
                results.Add(new StepResult(step.Name, StepOutcome.Failed, done, ex.ErrorCode, ex.Message));
            }
        }

        return new SetupApplyResult(context.Documents.AccountId, context.Documents.Region, results);
    }

    private async Task<SetupContext> ContextAsync(SetupSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings = settings.Normalized();
        if (SetupSettingsValidator.Problems(settings) is { Count: > 0 } problems)
        {
            throw new SetupValidationException(problems);
        }

        var caller = await environment.GetCallerIdentityAsync(cancellationToken);
        if (settings.Encryption == BucketEncryption.SseKms && settings.KmsKeyArn?.Split(':') is [_, _, _, var keyRegion, ..] && keyRegion != caller.Region)
        {
            // S3 encrypts only with a key in the bucket's own region.
            throw new SetupValidationException(new Dictionary<string, Phrase[]>
            {
                [nameof(SetupSettings.KmsKeyArn)] = [new Phrase("The key is in {0}, the bucket in {1}: S3 encrypts only with a key in the bucket's region.", keyRegion, caller.Region)],
            });
        }

        // The wizard may run as the setup role; the digest key still lets only the portal itself sign.
        var portalArn = (await portal.GetAsync(cancellationToken)).Arn;
        return new SetupContext(settings, new SetupDocuments(settings, caller.Region, caller.Account) { PortalPrincipalArn = portalArn });
    }

    /// <summary>A step's own progress lines, passed on as they come under the step's name.</summary>
    private sealed class StepProgress(string step, IProgress<SetupProgress> target) : IProgress<Phrase>
    {
        public void Report(Phrase value) => target.Report(new SetupProgress(step, value));
    }
}

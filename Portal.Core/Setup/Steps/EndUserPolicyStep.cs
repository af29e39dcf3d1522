using Portal.Core.Aws.Iam;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 6: the managed policy for the people who use the bastions. It grants no access (the portal's time-bound grants
/// do): it reads the session preferences and denies AWS's own, unrecorded session documents.
/// </summary>
internal sealed class EndUserPolicyStep(IIamClient iam) : ISetupStep
{
    public string Name => "endUserPolicy";

    public Phrase Title { get; } = new Phrase("End-user access policy");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var exists = await ManagedPolicies.InspectAsync(iam, documents, settings.EndUserPolicyName, documents.EndUserPolicy, "end-user-policy.json", current, changes, cancellationToken);
        return new StepInspection(exists, current, changes, new Dictionary<string, string>(StringComparer.Ordinal) { ["end-user-policy.json"] = documents.EndUserPolicy.ToJson() });
    }
}

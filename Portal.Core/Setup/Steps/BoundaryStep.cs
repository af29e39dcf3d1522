using Portal.Core.Aws.Iam;
using Portal.Core.Aws;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 7: the bastion users' permissions boundary (ADR 0015). The managed policy allows nothing beyond Session Manager
/// on the bastions; the chosen users carry it as their boundary, since the portal writes grant policies only onto
/// users that do. A user with another boundary has it replaced: the Admin chose that user for the bastions.
/// </summary>
internal sealed class BoundaryStep(IIamClient iam) : ISetupStep
{
    private const string FileName = "boundary-policy.json";

    public string Name => "boundary";

    public Phrase Title { get; } = new Phrase("Bastion users' boundary");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var exists = await ManagedPolicies.InspectAsync(iam, documents, settings.BoundaryPolicyName, documents.BoundaryPolicy, FileName, current, changes, cancellationToken);
        var arn = documents.BoundaryPolicyArn;
        var missing = new List<string>();
        foreach (var name in settings.BastionUsers)
        {
            var user = await iam.GetUserAsync(name, cancellationToken);
            if (user is null)
            {
                missing.Add(name);
            }
            else if (string.Equals(user.PermissionsBoundaryArn, arn, StringComparison.Ordinal))
            {
                current.Add(new Phrase("{0} carries the boundary.", name));
            }
            else
            {
                current.Add(user.PermissionsBoundaryArn is null ? new Phrase("{0} has no permissions boundary.", name) : new Phrase("{0}'s permissions boundary is {1}.", name, user.PermissionsBoundaryArn));
                changes.Add(new(
                    new(
                        user.PermissionsBoundaryArn is null ? new Phrase("Set {0} as {1}'s permissions boundary.", settings.BoundaryPolicyName, name) : new Phrase("Replace {0}'s permissions boundary with {1}.", name, settings.BoundaryPolicyName),
                        $"aws iam put-user-permissions-boundary --user-name {name} --permissions-boundary {arn}"),
                    ct => iam.PutUserPermissionsBoundaryAsync(name, arn, ct)));
            }
        }

        if (missing.Count > 0)
        {
            throw new AwsApiException("iam", "GetUser", "NoSuchEntity", $"IAM has no user named {string.Join(", ", missing)}: create it first, or take it off the bastion users.");
        }

        if (settings.BastionUsers.Count == 0)
        {
            current.Add(new Phrase("No bastion users chosen: grants go only to users that carry the boundary."));
        }

        return new StepInspection(exists, current, changes, new Dictionary<string, string>(StringComparer.Ordinal) { [FileName] = documents.BoundaryPolicy.ToJson() });
    }
}

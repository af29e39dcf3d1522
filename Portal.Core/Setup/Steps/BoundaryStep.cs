using Portal.Core.Aws;
using Portal.Core.Aws.Iam;

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

    public string Title => "Bastion users' boundary";

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var current = new List<string>();
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
                current.Add($"{name} carries the boundary.");
            }
            else
            {
                current.Add(user.PermissionsBoundaryArn is null ? $"{name} has no permissions boundary." : $"{name}'s permissions boundary is {user.PermissionsBoundaryArn}.");
                changes.Add(new(
                    new(
                        user.PermissionsBoundaryArn is null ? $"Set {settings.BoundaryPolicyName} as {name}'s permissions boundary." : $"Replace {name}'s permissions boundary with {settings.BoundaryPolicyName}.",
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
            current.Add("No bastion users chosen: grants go only to users that carry the boundary.");
        }

        return new StepInspection(exists, current, changes, new Dictionary<string, string>(StringComparer.Ordinal) { [FileName] = documents.BoundaryPolicy.ToJson() });
    }
}

using Portal.Core.Aws.Iam;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// A customer-managed policy as the wizard keeps it: created with the document, or given a new default version when
/// its default says something else (the oldest other version deleted first when IAM's five are used).
/// </summary>
internal static class ManagedPolicies
{
    private const int MaxVersions = 5;

    /// <summary>Adds to <paramref name="current"/> and <paramref name="changes"/> what the policy needs; true when it exists.</summary>
    public static async Task<bool> InspectAsync(IIamClient iam, SetupDocuments documents, string name, PolicyDocument wanted, string fileName, List<string> current, List<PendingChange> changes, CancellationToken cancellationToken)
    {
        var arn = Arn(documents, name);
        var json = wanted.ToJson();
        var policy = await iam.GetPolicyAsync(arn, cancellationToken);
        if (policy is null)
        {
            current.Add($"No policy {name}.");
            changes.Add(new(
                new($"Create the policy {name}.", $"aws iam create-policy --policy-name {name} --policy-document file://{fileName}"),
                ct => iam.CreatePolicyAsync(name, json, "Managed by the Bastion Portal's setup", ct)));
            return false;
        }

        var version = await iam.GetPolicyVersionAsync(arn, policy.DefaultVersionId, cancellationToken);
        if (SetupDocuments.SameDocument(version?.Document, wanted))
        {
            current.Add($"The policy {name} ({policy.DefaultVersionId}) is as chosen.");
            return true;
        }

        current.Add($"The policy {name} exists; its default version {policy.DefaultVersionId} says something else.");
        changes.Add(new(
            new($"Give {name} a new default version with the chosen document.", $"aws iam create-policy-version --policy-arn {arn} --policy-document file://{fileName} --set-as-default"),
            async ct =>
            {
                var versions = await iam.ListPolicyVersionsAsync(arn, ct);
                if (versions.Count >= MaxVersions && versions.Where(v => !v.IsDefaultVersion).MinBy(v => v.CreateDate) is { } oldest)
                {
                    await iam.DeletePolicyVersionAsync(arn, oldest.VersionId, ct);
                }

                await iam.CreatePolicyVersionAsync(arn, json, setAsDefault: true, ct);
            }));
        return true;
    }

    /// <summary>The ARN of the account's customer-managed policy <paramref name="name"/>.</summary>
    public static string Arn(SetupDocuments documents, string name) => IamNames.PolicyArn(documents.Partition, documents.AccountId, name);
}

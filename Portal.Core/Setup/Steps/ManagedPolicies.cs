using Portal.Core.Aws.Iam;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// A customer-managed policy as the wizard keeps it: created with the document, or given a new default version when
/// its default says something else (the oldest other version deleted first when IAM's five are used).
/// </summary>
internal static class ManagedPolicies
{
    private const int MaxVersions = 5;

    /// <summary>Adds to <paramref name="current"/> and <paramref name="changes"/> what the policy needs; true when it exists.</summary>
    public static async Task<bool> InspectAsync(IIamClient iam, SetupDocuments documents, string name, PolicyDocument wanted, string fileName, List<Phrase> current, List<PendingChange> changes, CancellationToken cancellationToken)
    {
        var arn = Arn(documents, name);
        var json = wanted.ToJson();
        var policy = await iam.GetPolicyAsync(arn, cancellationToken);
        if (policy is null)
        {
            current.Add(new Phrase("No policy {0}.", name));
            changes.Add(new(
                new(new Phrase("Create the policy {0}.", name), $"aws iam create-policy --policy-name {name} --policy-document file://{fileName}"),
                ct => iam.CreatePolicyAsync(name, json, "Managed by the Bastion Portal's setup", ct)));
            return false;
        }

        var version = await iam.GetPolicyVersionAsync(arn, policy.DefaultVersionId, cancellationToken);
        if (SetupDocuments.SameDocument(version?.Document, wanted))
        {
            current.Add(new Phrase("The policy {0} ({1}) is as chosen.", name, policy.DefaultVersionId));
            return true;
        }

        current.Add(new Phrase("The policy {0} exists; its default version {1} says something else.", name, policy.DefaultVersionId));
        changes.Add(new(
            new(new Phrase("Give {0} a new default version with the chosen document.", name), $"aws iam create-policy-version --policy-arn {arn} --policy-document file://{fileName} --set-as-default"),
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

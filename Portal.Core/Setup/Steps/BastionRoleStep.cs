using Amazon.EC2.Model;
using Amazon.EC2;
using Portal.Core.Aws.Iam;
using Portal.Core.Aws;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 3: the bastion's role (trusted by EC2 only) with AmazonSSMManagedInstanceCore and the logging policy
/// (write transcripts under the prefix, nothing else), its instance profile, and the profile on every bastion. A
/// bastion that already has another profile keeps it unless the Admin confirmed the replacement.
/// </summary>
internal sealed class BastionRoleStep(IIamClient iam, IAmazonEC2 ec2, TimeProvider time) : ISetupStep
{
    /// <summary>The AWS managed policy the SSM agent needs.</summary>
    internal const string CorePolicyName = "AmazonSSMManagedInstanceCore";

    public string Name => "bastionRole";

    public Phrase Title { get; } = new Phrase("Bastion role");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var role = settings.RoleName;
        var trust = SetupDocuments.BastionTrustPolicy;
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trust-policy.json"] = trust.ToJson(),
            ["logging-policy.json"] = documents.LoggingPolicy.ToJson(),
        };

        // The role and its trust policy.
        var existing = await iam.GetRoleAsync(role, cancellationToken);
        if (existing is null)
        {
            current.Add(new Phrase("No role {0}.", role));
            changes.Add(new(
                new(new Phrase("Create the role {0}, trusted by EC2.", role), $"aws iam create-role --role-name {role} --assume-role-policy-document file://trust-policy.json"),
                ct => iam.CreateRoleAsync(role, trust.ToJson(), "Bastion role, managed by the Bastion Portal's setup", cancellationToken: ct)));
        }
        else if (!SetupDocuments.SameDocument(existing.AssumeRolePolicyDocument, trust))
        {
            current.Add(new Phrase("The role {0} exists with another trust policy.", role));
            changes.Add(new(
                new(new Phrase("Let EC2, and nothing else, assume {0} (its trust policy).", role), $"aws iam update-assume-role-policy --role-name {role} --policy-document file://trust-policy.json"),
                ct => iam.UpdateAssumeRolePolicyAsync(role, trust.ToJson(), ct)));
        }
        else
        {
            current.Add(new Phrase("The role {0} exists, trusted by EC2.", role));
        }

        // The logging policy, then both policies on the role.
        await ManagedPolicies.InspectAsync(iam, documents, settings.LoggingPolicyName, documents.LoggingPolicy, "logging-policy.json", current, changes, cancellationToken);
        var attached = existing is null ? [] : (await iam.ListAttachedRolePoliciesAsync(role, cancellationToken)).Select(p => p.PolicyArn).ToHashSet(StringComparer.Ordinal);
        foreach (var arn in new[] { $"arn:{documents.Partition}:iam::aws:policy/{CorePolicyName}", ManagedPolicies.Arn(documents, settings.LoggingPolicyName) })
        {
            if (attached.Contains(arn))
            {
                current.Add(new Phrase("{0} is attached to {1}.", arn, role));
                continue;
            }

            changes.Add(new(
                new(new Phrase("Attach {0} to {1}.", arn, role), $"aws iam attach-role-policy --role-name {role} --policy-arn {arn}"),
                ct => iam.AttachRolePolicyAsync(role, arn, ct)));
        }

        // The instance profile, holding the role.
        var profileName = settings.InstanceProfileName;
        var profile = await iam.GetInstanceProfileAsync(profileName, cancellationToken);
        if (profile is null)
        {
            current.Add(new Phrase("No instance profile {0}.", profileName));
            changes.Add(new(
                new(new Phrase("Create the instance profile {0}.", profileName), $"aws iam create-instance-profile --instance-profile-name {profileName}"),
                ct => iam.CreateInstanceProfileAsync(profileName, ct)));
        }

        if (profile?.RoleNames.Contains(role, StringComparer.Ordinal) != true)
        {
            if (profile is { RoleNames.Count: > 0 })
            {
                throw new AwsApiException("iam", "GetInstanceProfile", "InstanceProfileHoldsAnotherRole", $"The instance profile {profileName} holds the role {profile.RoleNames[0]}; a profile holds one role. Choose another profile name, or remove that role from it first.");
            }

            changes.Add(new(
                new(new Phrase("Put {0} in the instance profile {1}.", role, profileName), $"aws iam add-role-to-instance-profile --instance-profile-name {profileName} --role-name {role}"),
                ct => iam.AddRoleToInstanceProfileAsync(profileName, role, ct)));
        }
        else
        {
            current.Add(new Phrase("The instance profile {0} holds {1}.", profileName, role));
        }

        // The profile on each bastion.
        foreach (var instance in settings.BastionInstanceIds)
        {
            var association = await AssociationAsync(instance, cancellationToken);
            var ours = association?.IamInstanceProfile?.Arn?.EndsWith($":instance-profile/{profileName}", StringComparison.Ordinal) == true
                || association?.IamInstanceProfile?.Arn?.EndsWith($"/{profileName}", StringComparison.Ordinal) == true;
            if (association is null)
            {
                current.Add(new Phrase("{0} has no instance profile.", instance));
                changes.Add(new(
                    new(new Phrase("Give {0} the instance profile {1}.", instance, profileName), WhenKnownByEc2($"aws ec2 associate-iam-instance-profile --instance-id {instance} --iam-instance-profile Name={profileName}")),
                    ct => WhenProfileIsKnownAsync(profileName, context.Progress, time, () => Ec2("AssociateIamInstanceProfile", () => ec2.AssociateIamInstanceProfileAsync(
                        new AssociateIamInstanceProfileRequest { InstanceId = instance, IamInstanceProfile = new IamInstanceProfileSpecification { Name = profileName } },
                        ct)), ct)));
            }
            else if (ours)
            {
                current.Add(new Phrase("{0} has the instance profile {1}.", instance, profileName));
            }
            else if (settings.ReplaceExistingInstanceProfile)
            {
                current.Add(new Phrase("{0} has another instance profile, {1}; it will be replaced, as confirmed.", instance, association.IamInstanceProfile?.Arn));
                changes.Add(new(
                    new(new Phrase("Replace {0}'s instance profile {1} with {2}.", instance, association.IamInstanceProfile?.Arn, profileName), WhenKnownByEc2($"aws ec2 replace-iam-instance-profile-association --association-id {association.AssociationId} --iam-instance-profile Name={profileName}")),
                    ct => WhenProfileIsKnownAsync(profileName, context.Progress, time, () => Ec2("ReplaceIamInstanceProfileAssociation", () => ec2.ReplaceIamInstanceProfileAssociationAsync(
                        new ReplaceIamInstanceProfileAssociationRequest { AssociationId = association.AssociationId, IamInstanceProfile = new IamInstanceProfileSpecification { Name = profileName } },
                        ct)), ct)));
            }
            else
            {
                throw new AwsApiException("ec2", "DescribeIamInstanceProfileAssociations", "BastionHasAnotherInstanceProfile", $"{instance} already has the instance profile {association.IamInstanceProfile?.Arn}. Confirm its replacement (replaceExistingInstanceProfile), or give its role the logging policy yourself.");
            }
        }

        return new StepInspection(existing is not null, current, changes, files);
    }

    /// <summary>The instance's current (associated or associating) profile association, if any.</summary>
    private Task<IamInstanceProfileAssociation?> AssociationAsync(string instanceId, CancellationToken cancellationToken) =>
        Ec2("DescribeIamInstanceProfileAssociations", async () =>
        {
            var response = await ec2.DescribeIamInstanceProfileAssociationsAsync(
                new DescribeIamInstanceProfileAssociationsRequest { Filters = [new Filter("instance-id", [instanceId])] },
                cancellationToken);
            return response.IamInstanceProfileAssociations?.FirstOrDefault(a => a.State?.Value is null or "associated" or "associating");
        });

    /// <summary>How long apply waits for EC2 to learn of a new instance profile: IAM's changes often take minutes to reach it.</summary>
    internal static readonly TimeSpan PropagationWait = TimeSpan.FromMinutes(3);

    /// <summary>
    /// EC2 learns of an instance profile some time after IAM made it, and until then refuses it (InvalidParameterValue,
    /// "Invalid IAM Instance Profile name"). Only that refusal is tried again, after 2, 4, 8, 16 and then every 30
    /// seconds for up to <see cref="PropagationWait"/>, each wait reported; then the step fails saying so, and a new
    /// apply resumes from there.
    /// </summary>
    internal static async Task WhenProfileIsKnownAsync(string profileName, IProgress<Phrase>? progress, TimeProvider time, Func<Task> call, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var wait = TimeSpan.FromSeconds(2);
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (AwsApiException ex) when (ex.ErrorCode == "InvalidParameterValue" && ex.AwsMessage.Contains("Invalid IAM Instance Profile", StringComparison.OrdinalIgnoreCase))
            {
                var waited = time.GetUtcNow() - started;
                if (waited + wait > PropagationWait)
                {
                    throw new AwsApiException(ex.Service, ex.Operation, "InstanceProfileStillPropagating", $"EC2 still does not know the instance profile {profileName} after {waited.TotalMinutes:0.#} minutes: IAM is still propagating it. Apply again in a few minutes; it resumes from here.", ex.StatusCode, ex.RequestId, ex);
                }

                progress?.Report(new Phrase("EC2 does not know the instance profile {0} yet (IAM is still propagating it); trying again in {1:0} s.", profileName, wait.TotalSeconds));
                await Task.Delay(wait, time, cancellationToken);
                wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds * 2));
            }
        }
    }

    /// <summary>
    /// The command, tried again in the exported script while EC2 does not know a profile IAM made moments ago (its
    /// error names an "Invalid IAM Instance Profile"), every 10 s for up to 3 minutes; any other error stops the script.
    /// </summary>
    internal static string WhenKnownByEc2(string command) =>
        "for attempt in $(seq 1 18); do\n"
        + $"  if out=$({command} 2>&1); then echo \"$out\"; break; fi\n"
        + "  case \"$out\" in *'Invalid IAM Instance Profile'*) ;; *) echo \"$out\" >&2; exit 1 ;; esac\n"
        + "  if [ \"$attempt\" = 18 ]; then echo 'EC2 still does not know the instance profile after 3 minutes (IAM propagation): run this script again.' >&2; exit 1; fi\n"
        + "  echo 'EC2 does not know the new instance profile yet (IAM takes a while to propagate); trying again in 10 s.' >&2\n"
        + "  sleep 10\n"
        + "done";

    private static Task<T> Ec2<T>(string operation, Func<Task<T>> call) => AwsSdkCall.RunAsync("ec2", operation, call);
}

using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// The permissions boundary every grantee carries (ADR 0015). The portal's IAM permissions let it write inline policies
/// only onto users with this boundary, so a grant, or anything written with stolen portal credentials, gives at most
/// Session Manager on the bastions. The portal checks first, so a refusal says how to fix it instead of IAM's
/// <c>AccessDenied</c>; moto, which evaluates no IAM condition, is held to the same rule.
/// </summary>
internal sealed class GrantBoundary(ISetupStore setups, IIamClient iam, IAwsEnvironment environment, IOptions<AccessOptions> options)
{
    /// <summary>The error code a grant records when its user lacks the boundary.</summary>
    public const string MissingCode = "PermissionsBoundaryMissing";

    /// <summary>Why groups get no grants, for the refusals.</summary>
    public static Phrase NoGroups => new Phrase("Grants go to IAM users only: a group cannot carry a permissions boundary, and IAM has no condition that would keep a group policy off members without one, so the portal may not write group policies (ADR 0015). Grant each member instead.");

    private AwsCallerIdentity? _caller;

    /// <summary>The boundary's name: the applied setup's, else <see cref="AccessOptions.PermissionsBoundary"/>.</summary>
    public async Task<string> NameAsync(CancellationToken cancellationToken) =>
        (await setups.GetAsync(cancellationToken))?.Settings.BoundaryPolicyName ?? options.Value.PermissionsBoundary;

    /// <summary>What stops the portal granting to <paramref name="userName"/>, in a sentence that says how to fix it; <see langword="null"/> when nothing does.</summary>
    /// <exception cref="AwsApiException">IAM or STS could not be read.</exception>
    public async Task<Phrase?> ProblemAsync(string userName, CancellationToken cancellationToken)
    {
        if (await iam.GetUserAsync(userName, cancellationToken) is not { } user)
        {
            return new Phrase("IAM has no user named {0}.", userName);
        }

        var name = await NameAsync(cancellationToken);
        var caller = _caller ??= await environment.GetCallerIdentityAsync(cancellationToken);
        var arn = IamNames.PolicyArn(AwsPartition.Of(caller.Region), caller.Account, name);
        if (string.Equals(user.PermissionsBoundaryArn, arn, StringComparison.Ordinal))
        {
            return null;
        }

        return user.PermissionsBoundaryArn is null
            ? new Phrase("The IAM user {0} has no permissions boundary: the portal grants only to users bounded by {1}, so that no grant gives more than Session Manager on the bastions. An Admin adds {0} to the bastion users in Setup, or runs: aws iam put-user-permissions-boundary --user-name {0} --permissions-boundary {2}", userName, name, arn)
            : new Phrase("The IAM user {0} has the permissions boundary {3}: the portal grants only to users bounded by {1}, so that no grant gives more than Session Manager on the bastions. An Admin adds {0} to the bastion users in Setup, or runs: aws iam put-user-permissions-boundary --user-name {0} --permissions-boundary {2}", userName, name, arn, user.PermissionsBoundaryArn);
    }

    /// <summary>Refuses anything but an IAM user that carries the boundary.</summary>
    /// <exception cref="AccessException">A group, or a user without the boundary (Conflict).</exception>
    /// <exception cref="AwsApiException">IAM or STS could not be read.</exception>
    public async Task EnsureAsync(PrincipalType type, string principal, CancellationToken cancellationToken)
    {
        if (type != PrincipalType.User)
        {
            throw new AccessException(AccessRefusal.Conflict, NoGroups);
        }

        if (await ProblemAsync(principal, cancellationToken) is { } problem)
        {
            throw new AccessException(AccessRefusal.Conflict, problem);
        }
    }
}

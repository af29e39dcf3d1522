namespace Portal.Core.Setup;

/// <summary>Reads what the account offers: the caller, and the instances that could be bastions.</summary>
public interface IAwsEnvironment
{
    /// <summary>STS GetCallerIdentity.</summary>
    /// <exception cref="Aws.AwsApiException">STS refused the call or is unreachable.</exception>
    Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default);

    /// <summary>Every EC2 instance in the region that is not terminated, every page.</summary>
    /// <exception cref="Aws.AwsApiException">EC2 refused the call (ec2:DescribeInstances).</exception>
    Task<IReadOnlyList<Ec2InstanceSummary>> ListInstancesAsync(CancellationToken cancellationToken = default);

    /// <summary>The account's IAM users by name, in order: who the wizard can put the bastion users' boundary on.</summary>
    /// <exception cref="Aws.AwsApiException">IAM refused the call (iam:ListUsers).</exception>
    Task<IReadOnlyList<string>> ListUserNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>The Session Manager preferences in force, or <see langword="null"/> when the account has none yet.</summary>
    /// <exception cref="Aws.AwsApiException">SSM refused the call (ssm:GetDocument).</exception>
    Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The SSM agent's ping status by instance id (<c>Online</c>, <c>ConnectionLost</c>, <c>Inactive</c>), from
    /// DescribeInstanceInformation; an instance missing from it has no agent registered.
    /// </summary>
    /// <exception cref="Aws.AwsApiException">The call failed (some endpoints, such as moto, do not implement it).</exception>
    Task<IReadOnlyDictionary<string, string>> GetAgentStatusAsync(CancellationToken cancellationToken = default);
}

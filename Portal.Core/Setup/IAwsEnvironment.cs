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

    /// <summary>The Session Manager preferences in force, or <see langword="null"/> when the account has none yet.</summary>
    /// <exception cref="Aws.AwsApiException">SSM refused the call (ssm:GetDocument).</exception>
    Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default);
}

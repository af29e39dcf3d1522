using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Portal.Core.Aws.Signing;

/// <summary>
/// Credentials from AWSSDK.Core, resolved the way the SDK clients resolve them: explicit credentials on
/// <see cref="AWSOptions"/>, else the named profile, else the default chain (environment, profile, container, IMDS).
/// </summary>
internal sealed class SdkCredentialSource(AWSOptions options) : IAwsCredentialSource
{
    private readonly Lazy<AWSCredentials> _credentials = new(() => Resolve(options));

    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _credentials.Value.GetCredentialsAsync();
        }
        catch (AmazonClientException ex)
        {
            throw new AwsApiException("credentials", "Resolve", "NoCredentials", ex.Message, innerException: ex);
        }
    }

    private static AWSCredentials Resolve(AWSOptions options)
    {
        if (options.Credentials is not null)
        {
            return options.Credentials;
        }

        if (!string.IsNullOrEmpty(options.Profile)
            && new CredentialProfileStoreChain(options.ProfilesLocation).TryGetAWSCredentials(options.Profile, out var profileCredentials))
        {
            return profileCredentials;
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}

using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;

namespace Portal.Core.Aws.Signing;

/// <summary>
/// The credentials the SDK clients use (<see cref="AWSOptions.Credentials"/>): fixed ones in the sandbox, otherwise
/// the default chain or the named profile, resolved on first use.
/// </summary>
internal sealed class SdkCredentialSource(AWSOptions options) : IAwsCredentialSource
{
    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        var credentials = options.Credentials ?? new DeferredChainCredentials(options.Profile, options.ProfilesLocation);
        try
        {
            return await credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException ex)
        {
            throw AwsApiException.FromClient("credentials", "Resolve", ex);
        }
    }
}

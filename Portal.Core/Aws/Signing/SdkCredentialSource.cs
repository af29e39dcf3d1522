using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;

namespace Portal.Core.Aws.Signing;

/// <summary>
/// The credentials the SDK clients use (<see cref="AWSOptions.Credentials"/>): fixed ones in the sandbox, otherwise
/// the default chain or the named profile, resolved on first use.
/// </summary>
internal sealed class SdkCredentialSource(AWSOptions options) : IAwsCredentialSource
{
    // Resolved once: the chain (or the credentials it finds) refreshes itself; resolving it per call would not.
    private readonly AWSCredentials _credentials = options.Credentials ?? new DeferredChainCredentials(options.Profile, options.ProfilesLocation);

    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException ex)
        {
            throw AwsApiException.FromClient("credentials", "Resolve", ex);
        }
    }
}

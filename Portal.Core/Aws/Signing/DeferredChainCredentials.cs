using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Portal.Core.Aws.Signing;

/// <summary>
/// The AWS default credential chain (or a named profile), resolved on first use instead of when a client is
/// created: a portal without credentials still starts and renders, and each AWS call then fails with
/// <see cref="MissingCredentialsException"/>, which the UI shows as <c>NoCredentials</c>. A failed resolution is not
/// cached, so credentials that appear later (a slow instance profile) are picked up.
/// </summary>
internal sealed class DeferredChainCredentials : AWSCredentials
{
    private readonly Lazy<AWSCredentials> _resolved;

    public DeferredChainCredentials(string? profile, string? profilesLocation) =>
        _resolved = new Lazy<AWSCredentials>(() => Resolve(profile, profilesLocation), LazyThreadSafetyMode.PublicationOnly);

    public override ImmutableCredentials GetCredentials() => _resolved.Value.GetCredentials();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => _resolved.Value.GetCredentialsAsync();

    private static AWSCredentials Resolve(string? profile, string? profilesLocation)
    {
        if (!string.IsNullOrEmpty(profile))
        {
            return new CredentialProfileStoreChain(profilesLocation).TryGetAWSCredentials(profile, out var fromProfile)
                ? fromProfile
                : throw new MissingCredentialsException($"The AWS profile '{profile}' (Portal:Aws:Profile) was not found in the shared credentials or config file.");
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw new MissingCredentialsException(
                "No AWS credentials were found. Set AWS_PROFILE or Portal:Aws:Profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance profile or task role.",
                ex);
        }
    }
}

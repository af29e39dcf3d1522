using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Portal.Core.Setup;

/// <summary>
/// The setup role's credentials: STS AssumeRole with the portal's own credentials (and endpoint, so the sandbox's moto
/// answers it), renewed by the SDK's refreshing base class before they expire.
/// </summary>
internal sealed class SetupRoleCredentials(IAmazonSecurityTokenService sts, string roleArn) : RefreshingAWSCredentials
{
    /// <summary>The session name CloudTrail shows for everything the wizard does.</summary>
    public const string SessionName = "bastion-portal-setup";

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = SessionName, DurationSeconds = 3600 });
        var credentials = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            (credentials.Expiration ?? DateTime.UtcNow.AddMinutes(15)).ToUniversalTime());
    }
}

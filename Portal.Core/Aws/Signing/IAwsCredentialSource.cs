using Amazon.Runtime;

namespace Portal.Core.Aws.Signing;

/// <summary>Supplies the credentials that the portal's own AWS clients sign with.</summary>
internal interface IAwsCredentialSource
{
    /// <summary>Returns current credentials, refreshing temporary ones as the SDK's providers do.</summary>
    Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}

using Amazon.Runtime;
using Portal.Core.Aws.Signing;

namespace Portal.Tests.TestSupport;

/// <summary>Fixed test credentials, so signing needs no credential chain.</summary>
internal sealed class StaticCredentialSource : IAwsCredentialSource
{
    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ImmutableCredentials("AKID", "secret", null));
}

using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Core.Health;

/// <summary>Healthy when STS answers GetCallerIdentity: the endpoint is reachable and the credentials work.</summary>
internal sealed class AwsHealthCheck(IAmazonSecurityTokenService sts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
            return HealthCheckResult.Healthy($"account {identity.Account}");
        }
        catch (AmazonServiceException ex)
        {
            return HealthCheckResult.Unhealthy($"STS answered {ex.ErrorCode}", ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex is Aws.Signing.MissingCredentialsException ? "No AWS credentials" : "The AWS endpoint is unreachable", ex);
        }
    }
}

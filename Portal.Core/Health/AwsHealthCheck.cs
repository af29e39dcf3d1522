using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Core.Health;

/// <summary>
/// Healthy when STS answers GetCallerIdentity: the endpoint is reachable and the credentials work. The answer is kept
/// for <see cref="CacheFor"/>, and callers arriving together share one call, so an anonymous <c>/healthz</c> flood makes
/// at most one AWS call per 30 seconds instead of throttling the portal's own STS calls.
/// </summary>
internal sealed class AwsHealthCheck(IAmazonSecurityTokenService sts, TimeProvider time) : IHealthCheck, IDisposable
{
    /// <summary>How long an answer is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _checking = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _checking.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } justChecked)
            {
                return justChecked;
            }

            var result = await AskAsync(cancellationToken);
            _last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _checking.Release();
        }
    }

    public void Dispose() => _checking.Dispose();

    private HealthCheckResult? Fresh() => _last is { } last && time.GetUtcNow() - last.At < CacheFor ? last.Result : null;

    private async Task<HealthCheckResult> AskAsync(CancellationToken cancellationToken)
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

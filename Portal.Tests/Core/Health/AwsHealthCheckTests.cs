using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Health;

namespace Portal.Tests.Core.Health;

public sealed class AwsHealthCheckTests
{
    [Fact]
    public async Task Check_ManyCallersAtOnceAndWithin30Seconds_MakeOneStsCall_ThenAskAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var sts = new CountingSts();
        using var check = new AwsHealthCheck(sts, time);

        var burst = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => check.CheckHealthAsync(new HealthCheckContext())));
        time.Advance(TimeSpan.FromSeconds(29));
        var stillCached = await check.CheckHealthAsync(new HealthCheckContext());
        var callsWithin30Seconds = sts.Calls;
        time.Advance(TimeSpan.FromSeconds(2));
        await check.CheckHealthAsync(new HealthCheckContext());

        Assert.All(burst, r => Assert.Equal(HealthStatus.Healthy, r.Status));
        Assert.Equal("account 123456789012", stillCached.Description);
        Assert.Equal(1, callsWithin30Seconds);
        Assert.Equal(2, sts.Calls);
    }

    private sealed class CountingSts() : AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), RegionEndpoint.APNortheast1)
    {
        private int _calls;

        public int Calls => _calls;

        public override async Task<GetCallerIdentityResponse> GetCallerIdentityAsync(GetCallerIdentityRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(50, cancellationToken);
            return new GetCallerIdentityResponse { Account = "123456789012" };
        }
    }
}

using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Session Manager's history against the sandbox's session API: an ended session is asked for once.</summary>
[Collection(MotoGroup.Name)]
public sealed class SsmSessionHistoryTests(MotoServerFixture moto)
{
    [Fact]
    public async Task FindAsync_KeepsEndedSessions_ButAsksAgainForOnesItDoesNotKnow()
    {
        var counting = new Counting();
        using var ssm = new AmazonSimpleSystemsManagementClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = MotoServerFixture.Region, HttpClientFactory = counting });
        var history = new SsmSessionHistory(ssm);
        var ended = $"kept-{Guid.NewGuid():N}"[..22];
        var now = DateTimeOffset.UtcNow;
        await SandboxSessions.RecordAsync(moto.Endpoint, "123456789012", MotoServerFixture.Region, [new SandboxSession(ended, "arn:aws:iam::123456789012:user/kept", "i-0123456789abcdef0", now.AddMinutes(-30), now.AddMinutes(-5))], CancellationToken.None);

        var first = await history.FindAsync(ended);
        var again = await history.FindAsync(ended);
        var unknown = await history.FindAsync("nobody-0123456789abcdef0");
        var unknownAgain = await history.FindAsync("nobody-0123456789abcdef0");

        Assert.Equal(first, again);
        Assert.NotNull(first!.EndedAt);
        Assert.Null(unknown);
        Assert.Null(unknownAgain);
        Assert.Equal(3, counting.DescribeSessions); // the ended one once, the unknown one each time
    }

    private sealed class Counting : HttpClientFactory
    {
        private int _describeSessions;

        public int DescribeSessions => _describeSessions;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this) { InnerHandler = new HttpClientHandler() });

        private sealed class Handler(Counting counts) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Headers.TryGetValues("X-Amz-Target", out var target) && target.Single() == "AmazonSSM.DescribeSessions")
                {
                    Interlocked.Increment(ref counts._describeSessions);
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}

using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Sessions;

public sealed class SessionLogLocationTests
{
    private static readonly SetupSettings Applied = new() { BastionInstanceIds = ["i-0123456789abcdef0"], BucketName = "wizard-logs", TopicName = "t", NotificationEmails = ["ops@example.com"] };

    [Fact]
    public async Task GetAsync_BeforeAnyApply_IsTheConfiguredBucket_OrNothing()
    {
        var configured = new SessionLogLocation(new InMemorySetupStore(), Options.Create(new SessionLogOptions { Bucket = "hand-made-logs", Prefix = "ssm/" }));
        var none = new SessionLogLocation(new InMemorySetupStore(), Options.Create(new SessionLogOptions { Bucket = " " }));

        Assert.Equal(new SessionLogSource("hand-made-logs", "ssm/"), await configured.GetAsync());
        Assert.Null(await none.GetAsync());
    }

    [Fact]
    public async Task GetAsync_AfterAnApply_IsTheSetupsBucketUnderSessionmanager_OnceRefreshed()
    {
        var store = new InMemorySetupStore();
        var location = new SessionLogLocation(store, Options.Create(new SessionLogOptions { Bucket = "hand-made-logs" }));
        var before = await location.GetAsync();

        store.Saved = new SavedSetup(Applied, DateTimeOffset.UnixEpoch, "alice", SetupStatus.Complete, DateTimeOffset.UnixEpoch);
        var cached = await location.GetAsync();
        location.Refresh();
        var after = await location.GetAsync();

        Assert.Equal("hand-made-logs", before!.Bucket);
        Assert.Same(before, cached);
        Assert.Equal("s3://wizard-logs/sessionmanager/", after!.ToString());
        Assert.Equal(2, store.Reads);
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws.CloudTrail;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

[Collection(MotoGroup.Name)]
public sealed class CloudTrailClientTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = AwsClients.For(moto);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private ICloudTrailClient CloudTrail => _services.GetRequiredService<ICloudTrailClient>();

    [Fact]
    public async Task Trail_CreateStartStatus_RoundTrip()
    {
        var bucket = await BucketAsync($"trail-{_suffix}");
        var name = $"management-events-{_suffix}";

        var trail = await CloudTrail.CreateTrailAsync(name, bucket, isMultiRegionTrail: true);
        var before = await CloudTrail.IsLoggingAsync(name);
        await CloudTrail.StartLoggingAsync(name);

        Assert.Equal(name, trail.Name);
        Assert.False(before);
        Assert.True(await CloudTrail.IsLoggingAsync(name));
        var trails = await CloudTrail.DescribeTrailsAsync();
        Assert.Contains(trails, t => t.Name == name && t.S3BucketName == bucket && t.IsMultiRegionTrail);
        var cli = await AwsCli.RunAsync(moto.Endpoint, "cloudtrail", "get-trail-status", "--name", name);
        Assert.True(cli.GetProperty("IsLogging").GetBoolean());
    }

    [Fact]
    public async Task EventSelectors_TellWhetherSessionManagersWritesAreLogged()
    {
        var bucket = await BucketAsync($"selectors-{_suffix}");
        var name = $"selectors-{_suffix}";
        await CloudTrail.CreateTrailAsync(name, bucket, isMultiRegionTrail: false);

        var fresh = await CloudTrail.GetEventSelectorsAsync(name);
        await AwsCli.RunAsync(moto.Endpoint, "cloudtrail", "put-event-selectors", "--trail-name", name, "--event-selectors", """[{"ReadWriteType":"ReadOnly","IncludeManagementEvents":true}]""");
        var readOnly = await CloudTrail.GetEventSelectorsAsync(name);
        await AwsCli.RunAsync(moto.Endpoint, "cloudtrail", "put-event-selectors", "--trail-name", name, "--advanced-event-selectors",
            """[{"Name":"writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["false"]}]}]""");
        var writes = await CloudTrail.GetEventSelectorsAsync(name);
        await AwsCli.RunAsync(moto.Endpoint, "cloudtrail", "put-event-selectors", "--trail-name", name, "--advanced-event-selectors",
            """[{"Name":"not ssm","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventSource","NotEquals":["ssm.amazonaws.com"]}]}]""");
        var notSsm = await CloudTrail.GetEventSelectorsAsync(name);

        Assert.True(fresh.LogsSessionManagerWrites); // CloudTrail's default: every management event
        Assert.False(readOnly.LogsSessionManagerWrites);
        Assert.True(writes.LogsSessionManagerWrites);
        Assert.False(notSsm.LogsSessionManagerWrites);
    }

    [Fact]
    public async Task IsLogging_WhenTrailMissing_ReturnsNull() =>
        Assert.Null(await CloudTrail.IsLoggingAsync($"missing-{_suffix}"));

    [Fact]
    public async Task LookupEvents_PagesStartAndTerminateSessionEvents_NewestFirst_WithinTheTimes()
    {
        var owner = "arn:aws:iam::123456789012:user/trail-" + _suffix;
        var start = DateTimeOffset.UtcNow.AddDays(-60).AddSeconds(-Random.Shared.Next(0, 3600));
        var sessions = Enumerable.Range(0, 60).Select(i => new Portal.Core.Sandbox.SandboxSession(
            $"trail{_suffix}-{i:x17}", owner, "i-0123456789abcdef0", start.AddMinutes(i), i % 2 == 0 ? start.AddMinutes(i + 1) : null)).ToList();
        await Portal.Core.Sandbox.SandboxSessions.RecordAsync(moto.Endpoint, "123456789012", MotoServerFixture.Region, sessions, CancellationToken.None);

        var started = (await CloudTrail.LookupEventsAsync("StartSession", start.AddSeconds(-1), start.AddMinutes(61))).Where(e => e.Username == "trail-" + _suffix).ToList();
        var ended = (await CloudTrail.LookupEventsAsync("TerminateSession", start.AddSeconds(-1), start.AddMinutes(61))).Where(e => e.Username == "trail-" + _suffix).ToList();
        var early = (await CloudTrail.LookupEventsAsync("StartSession", start.AddSeconds(-1), start.AddMinutes(9).AddSeconds(1))).Where(e => e.Username == "trail-" + _suffix).ToList();

        Assert.Equal(60, started.Count); // two pages of 50 at most
        Assert.Equal(started.OrderByDescending(e => e.EventTime).Select(e => e.EventId), started.Select(e => e.EventId));
        Assert.Equal(30, ended.Count);
        Assert.Equal(10, early.Count);
        var record = System.Text.Json.JsonDocument.Parse(started[^1].CloudTrailEvent).RootElement;
        Assert.Equal(sessions[0].SessionId, record.GetProperty("responseElements").GetProperty("sessionId").GetString());
        Assert.Equal("i-0123456789abcdef0", record.GetProperty("requestParameters").GetProperty("target").GetString());
        Assert.Equal(owner, record.GetProperty("userIdentity").GetProperty("arn").GetString());
    }

    public void Dispose() => _services.Dispose();

    private async Task<string> BucketAsync(string name)
    {
        await _services.GetRequiredService<IAmazonS3>().PutBucketAsync(new PutBucketRequest
        {
            BucketName = name,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
        return name;
    }
}

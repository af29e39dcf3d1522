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
        var bucket = $"trail-{_suffix}";
        await _services.GetRequiredService<IAmazonS3>().PutBucketAsync(new PutBucketRequest
        {
            BucketName = bucket,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
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
    public async Task IsLogging_WhenTrailMissing_ReturnsNull() =>
        Assert.Null(await CloudTrail.IsLoggingAsync($"missing-{_suffix}"));

    public void Dispose() => _services.Dispose();
}

using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Reading the account through the SDK clients: caller, instances, Session Manager preferences.</summary>
public sealed class AwsEnvironmentTests : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private ServiceProvider _services = default!;

    private IAwsEnvironment Environment => _services.GetRequiredService<IAwsEnvironment>();

    public async Task InitializeAsync()
    {
        // A moto of its own: the preferences document is account-wide.
        await _moto.InitializeAsync();
        _services = AwsClients.For(_moto, services => services.AddSingleton<IAwsEnvironment, AwsEnvironment>());
    }

    [Fact]
    public async Task GetCallerIdentityAsync_ReportsAccountRegionAndEndpoint()
    {
        var identity = await Environment.GetCallerIdentityAsync();

        Assert.Equal("123456789012", identity.Account);
        Assert.Equal(MotoServerFixture.Region, identity.Region);
        Assert.Equal(_moto.Endpoint.ToString(), identity.Endpoint);
    }

    [Fact]
    public async Task ListInstancesAsync_ReturnsNamedInstances()
    {
        var image = (await AwsCli.RunAsync(_moto.Endpoint, "ec2", "describe-images", "--owners", "amazon")).GetProperty("Images")[0].GetProperty("ImageId").GetString()!;
        await AwsCli.RunAsync(_moto.Endpoint, "ec2", "run-instances", "--image-id", image, "--count", "1", "--instance-type", "t3.micro", "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=bastion}]");

        var instances = await Environment.ListInstancesAsync();

        var bastion = Assert.Single(instances, i => i.Name == "bastion");
        Assert.StartsWith("i-", bastion.InstanceId, StringComparison.Ordinal);
        Assert.Equal("running", bastion.State);
    }

    [Fact]
    public async Task GetSessionPreferencesAsync_BeforeAndAfterTheDocumentExists()
    {
        var before = await Environment.GetSessionPreferencesAsync();
        const string content = """{"schemaVersion":"1.0","description":"Session Manager preferences","sessionType":"Standard_Stream","inputs":{"s3BucketName":"logs-bucket","s3KeyPrefix":"sessionmanager","s3EncryptionEnabled":true,"cloudWatchLogGroupName":"","runAsEnabled":false,"idleSessionTimeout":"20","maxSessionDuration":"60"}}""";
        await AwsCli.RunAsync(_moto.Endpoint, "ssm", "create-document", "--name", SessionPreferences.DocumentName, "--document-type", "Session", "--document-format", "JSON", "--content", content);

        var after = await Environment.GetSessionPreferencesAsync();

        Assert.Null(before);
        Assert.NotNull(after);
        Assert.Equal("logs-bucket", after.S3BucketName);
        Assert.Equal("sessionmanager", after.S3KeyPrefix);
        Assert.True(after.S3EncryptionEnabled);
        Assert.Null(after.CloudWatchLogGroupName);
        Assert.Equal("20", after.IdleSessionTimeout);
        Assert.Equal("60", after.MaxSessionDuration);
    }

    [Theory]
    [InlineData("""{"inputs":{"s3EncryptionEnabled":"true"}}""", true)]
    [InlineData("""{"inputs":{"s3EncryptionEnabled":false}}""", false)]
    [InlineData("""{"inputs":{}}""", false)]
    [InlineData("""{}""", false)]
    public void ParsePreferences_EncryptionFlag_AcceptsBooleanOrString(string content, bool expected) =>
        Assert.Equal(expected, AwsEnvironment.ParsePreferences("1", content).S3EncryptionEnabled);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _moto.DisposeAsync();
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Aws.Protocols;
using Portal.Core.Aws.Sns;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Aws;

/// <summary>The portal's own clients call and sign where each partition wants them, as the canonical requests show.</summary>
public sealed class AwsPartitionTests
{
    [Theory]
    [InlineData("ap-northeast-1", "aws", "iam.amazonaws.com", "us-east-1", "sns.ap-northeast-1.amazonaws.com")]
    [InlineData("cn-north-1", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "sns.cn-north-1.amazonaws.com.cn")]
    [InlineData("cn-northwest-1", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "sns.cn-northwest-1.amazonaws.com.cn")]
    [InlineData("us-gov-east-1", "aws-us-gov", "iam.us-gov.amazonaws.com", "us-gov-west-1", "sns.us-gov-east-1.amazonaws.com")]
    public async Task Requests_GoToThePartitionsEndpoints_SignedForItsRegions(string region, string partition, string iamHost, string iamScope, string snsHost)
    {
        var handler = new Recording();
        using var services = Services(region, handler);

        await services.GetRequiredService<IIamClient>().GetUserAsync("alice");
        await services.GetRequiredService<ISnsClient>().ListTopicsAsync();

        Assert.Equal(partition, AwsPartition.Of(region));
        Assert.Equal(iamHost, handler.Requests[0].Host);
        Assert.Contains($"/{iamScope}/iam/aws4_request", handler.Requests[0].Authorization, StringComparison.Ordinal);
        Assert.Equal(snsHost, handler.Requests[1].Host);
        Assert.Contains($"/{region}/sns/aws4_request", handler.Requests[1].Authorization, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-iso-east-1")]
    [InlineData("us-isob-east-1")]
    [InlineData("eu-isoe-west-1")]
    public void Region_InAnIsolatedPartition_IsRefused_WithAClearMessage(string region)
    {
        var results = new List<ValidationResult>();
        var options = new PortalAwsOptions { Region = region };

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains("aws, aws-cn or aws-us-gov", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(string region, Recording handler)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:Aws:Mode"] = "Aws", ["Portal:Aws:Region"] = region });
        builder.Services.AddPortalAws();
        builder.Services.AddSingleton(new AwsRequestSender(new HttpClient(handler), new StaticCredentialSource(), TimeProvider.System, NullLogger<AwsRequestSender>.Instance));
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>Answers IAM's GetUser with NoSuchEntity and SNS's ListTopics with no topics, recording each request.</summary>
    private sealed class Recording : HttpMessageHandler
    {
        public List<(string Host, string Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.Host, request.Headers.Authorization?.ToString() ?? string.Empty));
            return Task.FromResult(request.RequestUri.Host.StartsWith("iam.", StringComparison.Ordinal)
                ? new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { Content = new StringContent("<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>no alice</Message></Error><RequestId>r</RequestId></ErrorResponse>") }
                : new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>") });
        }
    }
}

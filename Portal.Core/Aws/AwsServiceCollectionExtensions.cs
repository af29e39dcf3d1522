using Amazon;
using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws.CloudTrail;
using Portal.Core.Aws.EventBridge;
using Portal.Core.Aws.Iam;
using Portal.Core.Aws.Protocols;
using Portal.Core.Aws.Signing;
using Portal.Core.Aws.Sns;
using Portal.Core.Options;

namespace Portal.Core.Aws;

/// <summary>Registers the AWS SDK clients and the portal's own IAM, SNS, EventBridge and CloudTrail clients.</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>The access key the sandbox signs with; moto accepts any.</summary>
    internal const string SandboxAccessKey = "sandbox";

    /// <summary>
    /// Binds <see cref="PortalAwsOptions"/>, builds <see cref="AWSOptions"/> from them, and registers S3, SSM, EC2, STS and KMS
    /// through AWSSDK.Extensions.NETCore.Setup plus the portal's own clients.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="credentials">Other credentials than the options give (the setup role's), for every client alike.</param>
    public static IServiceCollection AddPortalAws(this IServiceCollection services, Func<IServiceProvider, AWSCredentials>? credentials = null)
    {
        services.AddPortalOptions<PortalAwsOptions>(PortalAwsOptions.SectionName);

        services.AddDefaultAWSOptions(
            sp =>
            {
                var aws = ToAwsOptions(sp.GetRequiredService<IOptions<PortalAwsOptions>>().Value);
                aws.Credentials = credentials?.Invoke(sp) ?? aws.Credentials;
                return aws;
            },
            ServiceLifetime.Singleton);
        services.TryAddAWSService<IAmazonS3>();
        services.TryAddAWSService<IAmazonSimpleSystemsManagement>();
        services.TryAddAWSService<IAmazonEC2>();
        services.TryAddAWSService<IAmazonSecurityTokenService>();
        services.TryAddAWSService<IAmazonKeyManagementService>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource>(sp => new SdkCredentialSource(sp.GetRequiredService<AWSOptions>()));
        services.TryAddSingleton(sp => new AwsRequestSender(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<IAwsCredentialSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AwsRequestSender>>()));
        services.TryAddSingleton<AwsQueryClient>();
        services.TryAddSingleton<AwsJsonClient>();
        services.TryAddSingleton<IIamClient, IamClient>();
        services.TryAddSingleton<ISnsClient, SnsClient>();
        services.TryAddSingleton<IEventBridgeClient, EventBridgeClient>();
        services.TryAddSingleton<ICloudTrailClient, CloudTrailClient>();
        return services;
    }

    /// <summary>The SDK's view of the portal's AWS settings: region, profile, endpoint and, in the sandbox, fixed credentials.</summary>
    public static AWSOptions ToAwsOptions(PortalAwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var aws = new AWSOptions
        {
            Region = RegionEndpoint.GetBySystemName(options.Region),
            Profile = string.IsNullOrWhiteSpace(options.Profile) ? null : options.Profile,
        };

        if (options.EffectiveServiceUrl is { } url)
        {
            aws.DefaultClientConfig.ServiceURL = url.ToString();
            aws.DefaultClientConfig.AuthenticationRegion = options.Region;
        }

        // The sandbox must never sign with a developer's real keys, even though moto would ignore them. A real account
        // resolves the chain on first use, so a missing credential is an error on the page, not a crash at startup.
        aws.Credentials = options.Mode == AwsMode.Sandbox
            ? new BasicAWSCredentials(SandboxAccessKey, SandboxAccessKey)
            : new DeferredChainCredentials(aws.Profile, aws.ProfilesLocation);

        return aws;
    }
}

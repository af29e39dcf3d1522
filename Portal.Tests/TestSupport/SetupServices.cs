using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;

namespace Portal.Tests.TestSupport;

/// <summary>The setup engine with the given steps, in that order, over the portal's AWS registrations against moto.</summary>
internal static class SetupServices
{
    public static ServiceProvider For(MotoServerFixture moto, params Type[] steps) => For(moto, _ => { }, steps);

    /// <summary>As <see cref="For(MotoServerFixture, Type[])"/>, with registrations that replace the portal's (the last one wins).</summary>
    public static ServiceProvider For(MotoServerFixture moto, Action<IServiceCollection> replace, params Type[] steps) => AwsClients.For(moto, services =>
    {
        services.AddSingleton<IAwsEnvironment, AwsEnvironment>();
        foreach (var step in steps)
        {
            services.AddSingleton(typeof(ISetupStep), step);
        }

        services.AddSingleton<PortalIdentity>();
        services.AddSingleton<ISetupEngine, SetupEngine>();
        replace(services);
    });

    /// <summary>Starts an instance to serve as a bastion, from the first image moto offers.</summary>
    public static async Task<string> RunInstanceAsync(IServiceProvider services)
    {
        var ec2 = services.GetRequiredService<IAmazonEC2>();
        var image = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images[0].ImageId;
        var run = await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = image, MinCount = 1, MaxCount = 1, InstanceType = InstanceType.T3Micro });
        return run.Reservation.Instances[0].InstanceId;
    }
}

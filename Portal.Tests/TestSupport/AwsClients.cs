using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Aws;

namespace Portal.Tests.TestSupport;

/// <summary>The portal's real AWS registrations, pointed at a moto endpoint.</summary>
internal static class AwsClients
{
    public static ServiceProvider For(MotoServerFixture moto, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:Aws:Mode"] = "Sandbox",
            ["Portal:Aws:Region"] = MotoServerFixture.Region,
            ["Portal:Aws:ServiceUrl"] = moto.Endpoint.ToString(),
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddPortalAws();
        configure?.Invoke(builder.Services);
        return builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}

using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;
using Portal.Core.Aws;
using Serilog;

namespace Portal.Web.Hosting;

/// <summary>Configuration sources, defaults and logging for the portal's host.</summary>
internal static class PortalHostingExtensions
{
    /// <summary>
    /// Reads the repository's top-level appsettings.json (shipped beside the binaries) beneath every other source,
    /// makes Sandbox the default in Development, and logs with Serilog as configured there.
    /// </summary>
    public static WebApplicationBuilder AddPortalHosting(this WebApplicationBuilder builder)
    {
        builder.AddPortalConfiguration();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext());
        return builder;
    }

    /// <summary>The portal's configuration sources and defaults, without its logging (the command line logs to stderr).</summary>
    public static WebApplicationBuilder AddPortalConfiguration(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
        });

        if (builder.Environment.IsDevelopment())
        {
            // Lowest priority: any explicit setting, even Mode=Aws, wins over this default.
            sources.Insert(0, new MemoryConfigurationSource
            {
                InitialData = [new($"{PortalAwsOptions.SectionName}:Mode", nameof(AwsMode.Sandbox))],
            });
        }

        return builder;
    }
}

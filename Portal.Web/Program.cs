using Portal.Core;
using Portal.Web;
using Portal.Web.Hosting;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateBootstrapLogger();

try
{
    if (TokensCommand.Matches(args))
    {
        return await TokensCommand.RunAsync(args, Console.Out, Console.Error);
    }

    if (HealthCommand.Matches(args))
    {
        return await HealthCommand.RunAsync(args, Console.Out);
    }

    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortalHosting();
    builder.Services.AddPortalCore();
    builder.Services.AddPortalWeb(builder.Configuration, builder.Environment);

    var app = builder.Build();
    app.UsePortalPipeline();
    app.MapPortalEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.ForContext("SourceContext", "Portal.Web").Fatal(ex is Portal.Web.Sandbox.SandboxUnavailableException or Microsoft.Extensions.Options.OptionsValidationException ? null : ex, "The portal could not start: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

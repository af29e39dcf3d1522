using System.Diagnostics;
using System.Text.Json;

namespace Portal.Tests.TestSupport;

/// <summary>The AWS CLI, an independent client, pointed at moto: how the tests check what the portal did.</summary>
internal static class AwsCli
{
    public static Task<JsonElement> RunAsync(Uri endpoint, params string[] args) => RunInRegionAsync(endpoint, MotoServerFixture.Region, args);

    public static async Task<JsonElement> RunInRegionAsync(Uri endpoint, string region, params string[] args)
    {
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args.Concat(["--endpoint-url", endpoint.ToString().TrimEnd('/'), "--region", region, "--output", "json"]))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }

        var text = await stdout;
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

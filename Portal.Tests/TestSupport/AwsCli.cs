using System.Diagnostics;
using System.Text.Json;

namespace Portal.Tests.TestSupport;

/// <summary>The AWS CLI, an independent client, pointed at moto: how the tests check what the portal did.</summary>
internal static class AwsCli
{
    public static Task<JsonElement> RunAsync(Uri endpoint, params string[] args) => RunInRegionAsync(endpoint, MotoServerFixture.Region, args);

    public static Task<JsonElement> RunInRegionAsync(Uri endpoint, string region, params string[] args) => RunAsync(endpoint, region, null, args);

    /// <summary>Credentials of another account: moto keys each account's resources by the caller's assumed role.</summary>
    public static async Task<AwsTestCredentials> AssumeRoleAsync(Uri endpoint, string roleArn)
    {
        var credentials = (await RunAsync(endpoint, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "portal-tests")).GetProperty("Credentials");
        return new AwsTestCredentials(credentials.GetProperty("AccessKeyId").GetString()!, credentials.GetProperty("SecretAccessKey").GetString()!, credentials.GetProperty("SessionToken").GetString()!);
    }

    /// <summary>
    /// Puts a transcript into the sandbox's log bucket as the agent would (SSE-S3), written to a file by
    /// <paramref name="write"/> and uploaded with the CLI.
    /// </summary>
    public static async Task PutSandboxTranscriptAsync(Uri endpoint, string sessionId, Func<StreamWriter, Task> write)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{sessionId}-{Guid.NewGuid():N}.log");
        try
        {
            await using (var writer = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false)))
            {
                await write(writer);
            }

            await RunAsync(endpoint, "s3api", "put-object", "--bucket", "bastion-session-logs-sandbox", "--key", $"sessionmanager/{sessionId}.log", "--body", file, "--server-side-encryption", "AES256");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Puts a transcript, given whole, into the sandbox's log bucket.</summary>
    public static Task PutSandboxTranscriptAsync(Uri endpoint, string sessionId, string transcript) =>
        PutSandboxTranscriptAsync(endpoint, sessionId, writer => writer.WriteAsync(transcript));

    public static Task<JsonElement> RunAsAsync(Uri endpoint, AwsTestCredentials credentials, params string[] args) => RunAsync(endpoint, MotoServerFixture.Region, credentials, args);

    private static async Task<JsonElement> RunAsync(Uri endpoint, string region, AwsTestCredentials? credentials, string[] args)
    {
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args.Concat(["--endpoint-url", endpoint.ToString().TrimEnd('/'), "--region", region, "--output", "json"]))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = credentials?.AccessKeyId ?? "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = credentials?.SecretAccessKey ?? "testing";
        if (credentials is not null)
        {
            start.Environment["AWS_SESSION_TOKEN"] = credentials.SessionToken;
        }
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

/// <summary>A bash script that calls the AWS CLI (an exported setup, docs/verify-digests.sh), run against moto.</summary>
internal static class AwsScripts
{
    /// <summary>Runs the script with the AWS CLI's settings pointing at moto; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(Uri endpoint, string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ENDPOINT_URL"] = endpoint.ToString().TrimEnd('/');
        start.Environment["AWS_DEFAULT_REGION"] = MotoServerFixture.Region;
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = string.Empty;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

internal sealed record AwsTestCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken);

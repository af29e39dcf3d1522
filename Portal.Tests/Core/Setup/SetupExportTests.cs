using System.Diagnostics;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Tests.Core.Setup;

/// <summary>The exported script run by bash with a stand-in <c>aws</c> (the portal's images and CI are Linux).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SetupExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("setup-export-").FullName;

    [Fact]
    public async Task ShellScript_WritesTheDocumentsThenRunsTheCommands_WithHostileTextQuoted()
    {
        const string hostile = "Bastion $(touch pwned) `id` \"logins\" it's";
        var plan = new SetupPlan("123456789012", "ap-northeast-1",
        [
            new StepPlan("logBucket", new Phrase("Log bucket"), [], [new SetupChange(new Phrase("Set the policy."), "aws s3api put-bucket-policy --bucket logs --policy file://bucket-policy.json")], new Dictionary<string, string> { ["bucket-policy.json"] = "{\n  \"Statement\": [\"$HOME `x`\"]\n}", ["unused.json"] = "{}" }),
            new StepPlan("preferences", new Phrase("Session Manager preferences"), [], [], new Dictionary<string, string>()),
            new StepPlan("notifications", new Phrase("Login notifications"), [], [new SetupChange(new Phrase("Name the topic."), $"aws sns set-topic-attributes --attribute-value {SetupExport.ShellQuote(hostile)}")], new Dictionary<string, string>()),
        ]);
        var script = SetupExport.ToShellScript(plan, new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        await File.WriteAllTextAsync(Path.Combine(_folder, "setup.sh"), script);
        // A stand-in for the CLI that records each argument on its own line.
        var fake = Path.Combine(_folder, "bin");
        Directory.CreateDirectory(fake);
        await File.WriteAllTextAsync(Path.Combine(fake, "aws"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" >> \"$(dirname \"$0\")/../calls.log\"\necho '---' >> \"$(dirname \"$0\")/../calls.log\"\n");
        File.SetUnixFileMode(Path.Combine(fake, "aws"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("bash", [Path.Combine(_folder, "setup.sh")]) { RedirectStandardError = true };
        start.Environment["PATH"] = fake + ":" + Environment.GetEnvironmentVariable("PATH");
        using var run = Process.Start(start)!;
        var errors = await run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();

        Assert.True(run.ExitCode == 0, errors);
        var calls = (await File.ReadAllTextAsync(Path.Combine(_folder, "calls.log"))).Split("---\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, calls.Length);
        Assert.Equal(["s3api", "put-bucket-policy", "--bucket", "logs", "--policy", "file://bucket-policy.json"], calls[0].TrimEnd('\n').Split('\n'));
        Assert.Equal(hostile, calls[1].TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal("{\n  \"Statement\": [\"$HOME `x`\"]\n}\n", await File.ReadAllTextAsync(Path.Combine(_folder, "bucket-policy.json")));
        Assert.False(File.Exists(Path.Combine(_folder, "unused.json")));
        Assert.False(File.Exists(Path.Combine(_folder, "pwned")));
        Assert.Contains("# 2. Session Manager preferences\n# Nothing to change.", script, StringComparison.Ordinal);
        Assert.Contains("export AWS_REGION=ap-northeast-1", script, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

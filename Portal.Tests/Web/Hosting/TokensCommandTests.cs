using Portal.Tests.TestSupport;

namespace Portal.Tests.Web.Hosting;

/// <summary>
/// <c>tokens issue|list|revoke</c> on the built portal, as a first Admin or a script runs it: the token is the last line,
/// a fresh database is migrated first, bad arguments exit 2 naming what is wrong.
/// </summary>
public sealed class TokensCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"portal-cli-{Guid.NewGuid():N}");

    [Fact]
    public async Task IssueListRevoke_OnAFreshDatabase()
    {
        var issued = await RunAsync("tokens", "issue", "--person", "alice", "--roles", "Admin,Auditor", "--days", "3", "--iam-user", "alice.ops");

        Assert.Equal(0, issued.ExitCode);
        var lines = issued.Output.TrimEnd().Split('\n');
        Assert.StartsWith("bpt_", lines[^1].Trim(), StringComparison.Ordinal);
        Assert.Contains("acts as alice with Admin, Auditor, IAM user alice.ops", issued.Output, StringComparison.Ordinal);
        var id = lines[0].Split(' ')[2];

        var listed = await RunAsync("tokens", "list");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains($"{id}  alice-cli", listed.Output, StringComparison.Ordinal);
        Assert.Contains("active", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(lines[^1].Trim(), listed.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("tokens", "revoke", id)).ExitCode);
        Assert.Contains("revoked", (await RunAsync("tokens", "list")).Output, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("tokens", "revoke", id)).ExitCode);
    }

    [Theory]
    [InlineData("--person alice", "'issue' needs --person and --roles.")]
    [InlineData("--person alice --roles Root", "--roles: 'Root' is not a portal role")]
    [InlineData("--person alice --roles Admin --days 0", "--days must be a whole number from 1 to 365")]
    [InlineData("--person alice --roles Admin --colour blue", "Unknown option --colour.")]
    public async Task BadArguments_Exit2_AndSayWhatIsWrong(string options, string message)
    {
        var result = await RunAsync(["tokens", "issue", .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("bpt_", result.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    // Development, as `dotnet run --project Portal.Web -- tokens ...` runs it (the sandbox's own database).
    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        PortalProcess.RunCommandAsync(new Dictionary<string, string>(), "Development", _data, args);
}

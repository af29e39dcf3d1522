using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Tests.Core.Sessions;

public sealed class CommandExtractorTests
{
    private readonly CommandExtractor _extractor = new(Options.Create(new SessionFlagOptions()));

    [Fact]
    public void Extract_DeployBotRecording_FindsCommandsAndFlagsSudoAndRmRf()
    {
        var lines = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "golden", "deploy.bot-e333b093db2d1d113.lines.txt"))
            .Split('\n').SkipLast(1).Select((text, i) => new RenderedLine(text, RowKind.Live, i)).ToList();

        var commands = _extractor.Extract(lines);

        Assert.Contains(commands, c => c.Text == "sudo -i" && c.Flags.Contains("sudo") && c.Prompt == "[deploy@ip-10-0-2-15 ~]$");
        Assert.Contains(commands, c => c.Text == "sudo su -" && c.Flags.Contains("sudo") && c.Flags.Contains("su"));
        Assert.Contains(commands, c => c.Text == "rm -rf /tmp/somedir" && c.Flags.SequenceEqual(["rm -rf"]) && c.Line == 24);
        Assert.DoesNotContain(commands, c => c.Text.StartsWith("bash: sudo", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[ssm-user@ip-10-0-1-23 ~]$ ls -la", "ls -la")]
    [InlineData("ubuntu@ip-10-0-0-1:/var/log$ tail -f syslog", "tail -f syslog")]
    [InlineData("sh-4.2$ whoami", "whoami")]
    [InlineData("$ echo $0", "echo $0")]
    [InlineData("[root@host ~]# id", "id")]
    public void Extract_KnownPrompts_TakeTheTextAfterThem(string line, string command)
    {
        var commands = _extractor.Extract([new RenderedLine(line, RowKind.Live, 0)]);

        Assert.Equal(command, Assert.Single(commands).Text);
    }

    [Theory]
    [InlineData("sudo tail /var/log/messages", "sudo")]
    [InlineData("ls && sudo reboot", "sudo")]
    [InlineData("su - app", "su")]
    [InlineData("rm -rf /", "rm -rf")]
    [InlineData("rm -fr build", "rm -rf")]
    [InlineData("rm -r -f build", "rm -rf")]
    [InlineData("echo '10.0.0.1 db' | sudo tee -a /etc/hosts", "sudo,writes under /etc")]
    [InlineData("echo x > /etc/motd", "writes under /etc")]
    [InlineData("vim /etc/nginx/nginx.conf", "writes under /etc")]
    [InlineData("pseudo-tool --rm -r file", "")]
    [InlineData("cat /etc/passwd", "")]
    [InlineData("rm -r build", "")]
    public void Extract_Flags_FollowTheConfiguredPatterns(string command, string flags)
    {
        var found = _extractor.Extract([new RenderedLine("$ " + command, RowKind.Live, 0)]);

        Assert.Equal(flags, string.Join(',', Assert.Single(found).Flags));
    }

    [Fact]
    public void Extract_KeptRowsAndOutput_AreNotCommands()
    {
        var lines = new[]
        {
            new RenderedLine("$ vim notes", RowKind.Live, 0),
            new RenderedLine("$ not typed, a snapshot", RowKind.FullScreenSnapshot, 1),
            new RenderedLine("total 44", RowKind.Live, 2),
            new RenderedLine("$ ", RowKind.Live, 3),
        };

        Assert.Equal(["vim notes"], _extractor.Extract(lines).Select(c => c.Text));
    }
}

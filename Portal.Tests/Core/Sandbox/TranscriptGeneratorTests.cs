using System.Text;
using System.Text.RegularExpressions;
using Portal.Core.Sandbox;

namespace Portal.Tests.Core.Sandbox;

public sealed partial class TranscriptGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Users = ["alice", "bob", "carol", "dave", "erin"];
    private static readonly string[] Instances = ["i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"];

    [Fact]
    public void Generate_ThirtySix_HaveRealisticSessionIdsAndScriptFraming()
    {
        var transcripts = TranscriptGenerator.Generate(36, Users, Instances, Now);

        Assert.Equal(36, transcripts.Count);
        Assert.Equal(36, transcripts.Select(t => t.SessionId).Distinct().Count());
        foreach (var t in transcripts)
        {
            Assert.Matches(SessionId(), t.SessionId);
            Assert.StartsWith(t.User + "-", t.SessionId, StringComparison.Ordinal);
            var text = Encoding.UTF8.GetString(t.Content);
            Assert.StartsWith($"Script started on {t.EndedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00:00 [COMMAND=\"cat /var/lib/amazon/ssm/{t.InstanceId}/session/orchestration/{t.SessionId}/Standard_Stream/ipcTempFile.log\" <not executed on terminal>]\n", text, StringComparison.Ordinal);
            Assert.EndsWith("[COMMAND_EXIT_CODE=\"0\"]\n", text, StringComparison.Ordinal);
            Assert.True(t.StartedAt < t.EndedAt);
            Assert.InRange(t.StartedAt, Now.AddDays(-31), Now);
        }
    }

    [Fact]
    public void Generate_Corpus_CoversWhatAuditorsMustRead()
    {
        var all = string.Concat(TranscriptGenerator.Generate(36, Users, Instances, Now).Select(t => Encoding.UTF8.GetString(t.Content)));

        Assert.Contains("\r\r\n", all, StringComparison.Ordinal);                 // the doubled pty line end
        Assert.Contains("\u001b[0;32m[ssm-user@", all, StringComparison.Ordinal);  // coloured prompt
        Assert.Contains("\u001b]0;ssm-user@", all, StringComparison.Ordinal);      // title
        Assert.Contains("\b\u001b[K", all, StringComparison.Ordinal);              // backspace edit
        Assert.Contains("\u001b[?1049h", all, StringComparison.Ordinal);           // full-screen program
        Assert.Contains("sudo vim /etc/", all, StringComparison.Ordinal);
        Assert.Contains("top\r\r\n", all, StringComparison.Ordinal);
        Assert.Contains("rm -rf ", all, StringComparison.Ordinal);
        Assert.Contains("sudo su -", all, StringComparison.Ordinal);
        Assert.Contains("運用手順書", all, StringComparison.Ordinal);
        Assert.Contains("\u001b[H\u001b[2J\u001b[3J", all, StringComparison.Ordinal); // clear
        Assert.Contains(all.Split('\n'), line => line.Contains("aws s3 cp", StringComparison.Ordinal) && line.Length > 160); // wraps at 80
    }

    [Fact]
    public void Generate_SameSeed_SameSessionsWhateverTheDay()
    {
        var first = TranscriptGenerator.Generate(10, Users, Instances, Now);
        var later = TranscriptGenerator.Generate(10, Users, Instances, Now.AddDays(3));

        Assert.Equal(first.Select(t => t.SessionId), later.Select(t => t.SessionId));
    }

    [GeneratedRegex("^[a-z]+-[0-9a-f]{17}$")]
    private static partial Regex SessionId();
}

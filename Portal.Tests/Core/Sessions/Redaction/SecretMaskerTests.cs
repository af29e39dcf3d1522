using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Redaction;

namespace Portal.Tests.Core.Sessions.Redaction;

public sealed class SecretMaskerTests
{
    private static readonly SecretMasker Masker = new(Options.Create(new RedactionOptions()));

    [Theory]
    [InlineData("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("aws_access_key_id = ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A")]
    [InlineData("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("  \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("aws_session_token = IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD")]
    [InlineData("curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc' https://api", "eyJhbGciOiJIUzI1NiJ9.e30.abc")]
    [InlineData("curl -H \"X-Api-Key: 9f8e7d6c5b4a\" https://api", "9f8e7d6c5b4a")]
    [InlineData("git clone https://deploy:s3cr3tpass@git.example.com/app.git", "s3cr3tpass")]
    [InlineData("curl 'https://x.example.com/a?user=bob&access_token=abc123def456&z=1'", "abc123def456")]
    [InlineData("https://b.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef&X-Amz-Date=1", "0123456789abcdef")]
    [InlineData("mysql --password=Hunter2Hunter2 -h db", "Hunter2Hunter2")]
    [InlineData("GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_0123456789abcdefghijABCDEFGHIJ012345")]
    public void Masks_TheSecret_AndNothingAroundIt(string line, string secret)
    {
        var masked = Masker.MaskLine(line);

        Assert.Equal(line.Length, masked.Length);
        Assert.DoesNotContain(secret, masked, StringComparison.Ordinal);
        Assert.Equal(line.Replace(secret, new string(SecretMasker.Mask, secret.Length), StringComparison.Ordinal), masked);
    }

    [Theory]
    [InlineData("[ssm-user@ip-10-0-1-23 ~]$ mkdir -p /tmp/build && cd /tmp/build")]
    [InlineData("drwxr-xr-x 2 root root 4096 Nov 27 06:30 AKIAnotakey")]
    [InlineData("Authorization failed for user bob")]
    [InlineData("find / -name '*.pem' -print")]
    [InlineData("aws sts get-caller-identity --output json")]
    public void LeavesOrdinaryLinesAlone(string line) => Assert.Equal(line, Masker.MaskLine(line));

    public static TheoryData<string> Recordings() => [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts"), "*.log").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Recordings))]
    public void TheRealRecordings_HoldNoSecrets_SoNothingIsMasked(string file)
    {
        var document = TranscriptRender.Render(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Transcripts", "transcripts", file)), null).Document;

        var masked = document.LineTexts().Where(line => Masker.Find(line).Count > 0).ToList();

        Assert.Empty(masked);
    }

    [Fact]
    public void ConfiguredPatterns_MaskTheirSecretGroup_OrTheWholeMatch()
    {
        var masker = new SecretMasker(Options.Create(new RedactionOptions { Patterns = { ["Jira"] = "jira_token=(?<secret>\\S+)", ["Employee id"] = "EMP-[0-9]{6}" } }));

        Assert.Equal("jira_token=•••• and ••••••••••", masker.MaskLine("jira_token=abcd and EMP-123456"));
    }

    [Fact]
    public void AnInvalidConfiguredPattern_IsRefusedAtStartup()
    {
        Assert.False(SecretMasker.PatternsAreValid(new RedactionOptions { Patterns = { ["Broken"] = "(unclosed" } }));
        Assert.Throws<ArgumentException>(() => new SecretMasker(Options.Create(new RedactionOptions { Patterns = { ["Broken"] = "(unclosed" } })));
    }

    [Fact]
    public void TurnedOff_MasksNothing()
    {
        var masker = new SecretMasker(Options.Create(new RedactionOptions { Enabled = false }));

        Assert.Equal("AKIAIOSFODNN7EXAMPLE", masker.MaskLine("AKIAIOSFODNN7EXAMPLE"));
    }

    [Fact]
    public void InADocument_ASecretWrappedOverTwoRows_IsMaskedInBoth_AndAKeyBlockBodyLineByLine()
    {
        var text = new StringBuilder("$ echo ").Append(new string('x', 60)).Append(" AKIAIOSFODNN7EXAMPLE done\r\n")
            .Append("$ cat id_rsa\r\n-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\nQyNTUxOQAAACDs5Fh2Zp1X2u3b1R8QFJ1x9q9fS3m2v1x2a3b4c5d6eAAAAJgAAAAAAAAA\r\n-----END OPENSSH PRIVATE KEY-----\r\n$ ls\r\nfile\r\n");
        var document = TranscriptRender.Render(Encoding.ASCII.GetBytes(text.ToString()), 80).Document;
        var redacted = new RedactedDocument(document, Masker);

        Assert.True(document.IsWrapped(1)); // the key id wraps from row 0 into row 1
        var rows = string.Concat(redacted.RowHtml(0), redacted.RowHtml(1));
        Assert.DoesNotContain("AKIA", rows, StringComparison.Ordinal);
        Assert.DoesNotContain("EXAMPLE", rows, StringComparison.Ordinal);
        Assert.Contains("done", rows, StringComparison.Ordinal);
        Assert.Equal(document.LineText(0).Length, redacted.LineText(0).Length);

        var lines = Enumerable.Range(0, document.LineCount).Select(redacted.LineText).ToList();
        Assert.Contains("-----BEGIN OPENSSH PRIVATE KEY-----", lines);
        Assert.Contains("-----END OPENSSH PRIVATE KEY-----", lines);
        Assert.DoesNotContain(lines, l => l.Contains("b3BlbnNzaC1", StringComparison.Ordinal) || l.Contains("QyNTUxOQ", StringComparison.Ordinal));
        Assert.Contains("file", lines);
        Assert.Contains("b3BlbnNzaC1", document.LineText(3), StringComparison.Ordinal); // the document itself is untouched
    }
}

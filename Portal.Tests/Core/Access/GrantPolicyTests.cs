using System.Text.Json;
using Portal.Core.Access;

namespace Portal.Tests.Core.Access;

public sealed class GrantPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void For_AllowsStartingSessionsOnTheBastionThroughThePreferencesOnly_WithinTheWindow()
    {
        var statements = Statements(GrantPolicy.For("aws", "ap-northeast-1", "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(2)));

        Assert.Equal(["Start", "OwnSessions"], statements.Select(s => s.GetProperty("Sid").GetString()));
        var start = statements[0];
        Assert.Equal(["ssm:StartSession"], start.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(
            ["arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0123456789abcdef0", "arn:aws:ssm:ap-northeast-1:123456789012:document/SSM-SessionManagerRunShell"],
            start.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()));
        var condition = start.GetProperty("Condition");
        Assert.Equal("true", condition.GetProperty("BoolIfExists").GetProperty("ssm:SessionDocumentAccessCheck").GetString());
        Assert.Equal("2026-11-27T00:00:00Z", condition.GetProperty("DateGreaterThan").GetProperty("aws:CurrentTime").GetString()); // UTC, whatever the offset
        Assert.Equal("2026-11-27T02:00:00Z", condition.GetProperty("DateLessThan").GetProperty("aws:CurrentTime").GetString());
        Assert.All(statements, s => Assert.True(s.GetProperty("Condition").TryGetProperty("DateLessThan", out _)));
    }

    [Fact]
    public void For_ScopesResumeTerminateAndTheDataChannel_ToTheCallersOwnSessionsOnTheBastion_ByTheTagsAwsSets()
    {
        var own = Statements(GrantPolicy.For("aws", "ap-northeast-1", "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(2)))[1];

        Assert.Equal(["ssm:ResumeSession", "ssm:TerminateSession", "ssmmessages:OpenDataChannel"], own.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["arn:aws:ssm:ap-northeast-1:123456789012:session/*"], own.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()));
        var exact = own.GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal("${aws:userid}", exact.GetProperty("ssm:resourceTag/aws:ssmmessages:session-id").GetString());
        Assert.Equal("i-0123456789abcdef0", exact.GetProperty("ssm:resourceTag/aws:ssmmessages:target-id").GetString());
        // No statement names sessions by a user-name prefix: alice's grant must not reach alice-ops's sessions.
        Assert.DoesNotContain("${aws:username}", GrantPolicy.For("aws", "ap-northeast-1", "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(2)).ToJson(), StringComparison.Ordinal);
        Assert.False(own.GetProperty("Condition").TryGetProperty("StringLike", out _));
    }

    [Fact]
    public void For_LeavesOutAccountWideReads()
    {
        var actions = Statements(GrantPolicy.For("aws", "ap-northeast-1", "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(2)))
            .SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()))
            .ToList();

        Assert.DoesNotContain("ec2:DescribeInstances", actions);
        Assert.DoesNotContain("ssm:DescribeInstanceProperties", actions);
        Assert.DoesNotContain("ssm:DescribeSessions", actions);
        Assert.DoesNotContain("ssm:GetConnectionStatus", actions);
    }

    [Theory]
    [InlineData("aws", "ap-northeast-1")]
    [InlineData("aws-us-gov", "us-gov-west-1")]
    [InlineData("aws-cn", "cn-northwest-1")]
    public void For_FitsTwiceInAUsersInlinePolicyAllowance(string partition, string region)
    {
        var json = GrantPolicy.For(partition, region, "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(2)).ToJson();

        var counted = json.Count(c => !char.IsWhiteSpace(c)); // IAM does not count white space
        Assert.True(counted * 2 <= 2048, $"{counted} characters");
    }

    [Fact]
    public void For_InChina_UsesItsPartition()
    {
        var start = Statements(GrantPolicy.For("aws-cn", "cn-north-1", "123456789012", "i-0123456789abcdef0", Start, Start.AddHours(1)))[0];

        Assert.StartsWith("arn:aws-cn:ec2:cn-north-1:", start.GetProperty("Resource")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("portal-grant-42", 42L)]
    [InlineData("portal-grant-", null)]
    [InlineData("portal-grant-4x", null)]
    [InlineData("portal-grant--1", null)]
    [InlineData("other-42", null)]
    public void IdOf_ReadsOnlyTheGrantsOwnNames(string name, long? id) => Assert.Equal(id, GrantPolicy.IdOf(name));

    [Fact]
    public void NameOf_AndConnectCommand_AreWhatPeopleType()
    {
        Assert.Equal("portal-grant-7", GrantPolicy.NameOf(7));
        Assert.Equal(
            "aws ssm start-session --target i-0123456789abcdef0 --document-name SSM-SessionManagerRunShell --region ap-northeast-1",
            GrantPolicy.ConnectCommand("i-0123456789abcdef0", "ap-northeast-1"));
    }

    private static List<JsonElement> Statements(Portal.Core.Setup.PolicyDocument document) =>
        [.. JsonDocument.Parse(document.ToJson()).RootElement.GetProperty("Statement").EnumerateArray()];
}

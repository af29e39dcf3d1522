using System.Text.RegularExpressions;
using Portal.Core.Access;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.IamPolicyEvaluator;

namespace Portal.Tests.Core.Access;

/// <summary>
/// The IAM permissions docs/IAM.md gives the portal's role and the setup role, read from that file and evaluated (moto
/// evaluates no condition): the portal writes grants only onto users that carry the bastion users' boundary and
/// cannot escalate; the boundary caps whatever is written onto such a user.
/// </summary>
public sealed partial class PortalPermissionsTests
{
    private const string Account = "123456789012";
    private const string Region = "ap-northeast-1";
    private const string Bastion = "i-0123456789abcdef0";
    private const string BoundaryArn = $"arn:aws:iam::{Account}:policy/PortalBastionBoundary";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sections = new(ReadDocs);

    private static IEnumerable<string> PortalRole => [Sections.Value["Reading session logs"], Sections.Value["Signed digests"], Sections.Value["Access grants"]];

    private static IEnumerable<string> SetupRole => [Sections.Value["The setup wizard"]];

    private static string Boundary => GrantPolicy.Boundary("aws", Region, Account, [Bastion]).ToJson();

    [Fact]
    public void PortalRole_WritesAndDeletesGrants_OnlyOnUsersThatCarryTheBoundary()
    {
        foreach (var action in new[] { "iam:PutUserPolicy", "iam:DeleteUserPolicy" })
        {
            Assert.Equal(IamDecision.Allow, Portal(action, User("dave"), ("iam:PermissionsBoundary", BoundaryArn)));
            Assert.Equal(IamDecision.Allow, Portal(action, $"arn:aws:iam::{Account}:user/bastion-users/dave", ("iam:PermissionsBoundary", BoundaryArn)));
            Assert.Equal(IamDecision.ImplicitDeny, Portal(action, User("admin"))); // no boundary
            Assert.Equal(IamDecision.ImplicitDeny, Portal(action, User("admin"), ("iam:PermissionsBoundary", $"arn:aws:iam::{Account}:policy/PowerUser")));
        }
    }

    [Theory]
    [InlineData("iam:PutGroupPolicy", "group/engineers")]
    [InlineData("iam:AttachUserPolicy", "user/dave")]
    [InlineData("iam:AttachGroupPolicy", "group/engineers")]
    [InlineData("iam:PutRolePolicy", "role/PortalBastionRole")]
    [InlineData("iam:AttachRolePolicy", "role/PortalBastionRole")]
    [InlineData("iam:UpdateAssumeRolePolicy", "role/PortalBastionRole")]
    [InlineData("iam:CreateUser", "user/mallory")]
    [InlineData("iam:CreateAccessKey", "user/dave")]
    [InlineData("iam:AddUserToGroup", "group/admins")]
    [InlineData("iam:CreatePolicyVersion", "policy/PortalSessionLogging")]
    [InlineData("sts:AssumeRole", "role/OrganizationAccountAccessRole")]
    public void PortalRole_CannotEscalate_EvenOnABoundedUser(string action, string resource)
    {
        var decision = Portal(action, $"arn:aws:iam::{Account}:{resource}", ("iam:PermissionsBoundary", BoundaryArn), ("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"));

        Assert.NotEqual(IamDecision.Allow, decision);
    }

    [Theory]
    [InlineData("iam:DeleteUserPermissionsBoundary", "user/dave")]
    [InlineData("iam:PutUserPermissionsBoundary", "user/dave")]
    [InlineData("iam:DeleteRolePermissionsBoundary", "role/BastionPortal")]
    [InlineData("iam:CreatePolicyVersion", "policy/PortalBastionBoundary")]
    [InlineData("iam:SetDefaultPolicyVersion", "policy/PortalBastionBoundary")]
    [InlineData("iam:DeletePolicy", "policy/PortalBastionBoundary")]
    public void PortalRole_IsDeniedTouchingBoundaries_WhateverElseItIsGiven(string action, string resource)
    {
        var everything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

        var decision = Evaluate([.. PortalRole, everything], null, new IamRequest(action, $"arn:aws:iam::{Account}:{resource}", Context(("iam:PermissionsBoundary", BoundaryArn))));

        Assert.Equal(IamDecision.ExplicitDeny, decision);
    }

    [Theory]
    [InlineData("iam:GetUser", "arn:aws:iam::123456789012:user/dave")]
    [InlineData("iam:ListUsers", "*")]
    [InlineData("iam:GetAccountAuthorizationDetails", "*")]
    [InlineData("ssm:DescribeSessions", "*")]
    [InlineData("ssm:TerminateSession", "arn:aws:ssm:ap-northeast-1:123456789012:session/dave-0abc")]
    [InlineData("ec2:DescribeInstances", "*")]
    [InlineData("sns:Publish", "arn:aws:sns:ap-northeast-1:123456789012:bastion-logins")]
    [InlineData("s3:GetObjectVersion", "arn:aws:s3:::session-logs/sessionmanager/dave-0abc.log")]
    [InlineData("kms:Sign", "arn:aws:kms:ap-northeast-1:123456789012:key/1234")]
    public void PortalRole_AllowsTheRestOfTheGrantPathAndTheLogs(string action, string resource)
    {
        Assert.Equal(IamDecision.Allow, Portal(action, resource));
    }

    [Fact]
    public void SetupRole_AttachesOnlyTheBastionRolesPolicies_AndSetsOnlyTheBoundary()
    {
        var role = $"arn:aws:iam::{Account}:role/PortalBastionRole";

        Assert.Equal(IamDecision.Allow, Setup("iam:AttachRolePolicy", role, ("iam:PolicyARN", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")));
        Assert.Equal(IamDecision.Allow, Setup("iam:AttachRolePolicy", role, ("iam:PolicyARN", $"arn:aws:iam::{Account}:policy/PortalSessionLogging")));
        Assert.Equal(IamDecision.ImplicitDeny, Setup("iam:AttachRolePolicy", role, ("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess")));
        Assert.Equal(IamDecision.ImplicitDeny, Setup("iam:AttachRolePolicy", $"arn:aws:iam::{Account}:role/BastionPortalSetup", ("iam:PolicyARN", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")));
        Assert.Equal(IamDecision.Allow, Setup("iam:PutUserPermissionsBoundary", User("dave"), ("iam:PermissionsBoundary", BoundaryArn)));
        Assert.Equal(IamDecision.ImplicitDeny, Setup("iam:PutUserPermissionsBoundary", User("dave"), ("iam:PermissionsBoundary", $"arn:aws:iam::{Account}:policy/PowerUser")));
        Assert.Equal(IamDecision.ExplicitDeny, Setup("iam:DeleteUserPermissionsBoundary", User("dave")));
        Assert.Equal(IamDecision.ImplicitDeny, Setup("iam:PutUserPolicy", User("dave"), ("iam:PermissionsBoundary", BoundaryArn)));
        Assert.Equal(IamDecision.ImplicitDeny, Setup("iam:CreatePolicyVersion", $"arn:aws:iam::{Account}:policy/SomeoneElses"));
        Assert.Equal(IamDecision.Allow, Setup("iam:CreatePolicyVersion", BoundaryArn));
    }

    [Theory]
    [InlineData("iam:CreateUser", "arn:aws:iam::123456789012:user/mallory")]
    [InlineData("s3:GetObject", "arn:aws:s3:::session-logs/sessionmanager/erin-0abc.log")]
    [InlineData("ssm:StartSession", "arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0fedcba9876543210")]
    [InlineData("ssm:SendCommand", "arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0123456789abcdef0")]
    [InlineData("ec2:TerminateInstances", "arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0123456789abcdef0")]
    [InlineData("sts:AssumeRole", "arn:aws:iam::123456789012:role/Admin")]
    public void Boundary_CapsWhateverIsWrittenOntoABoundedUser(string action, string resource)
    {
        // What a thief with the portal's credentials could write onto a bounded user.
        var everything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

        Assert.Equal(IamDecision.ImplicitDeny, Evaluate([everything], Boundary, new IamRequest(action, resource)));
    }

    [Fact]
    public void Grant_InsideTheBoundary_StartsSessionsOnItsBastionWithinItsWindowOnly()
    {
        var starts = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var grant = GrantPolicy.For("aws", Region, Account, Bastion, starts, starts.AddHours(2)).ToJson();
        var instance = $"arn:aws:ec2:{Region}:{Account}:instance/{Bastion}";
        var document = $"arn:aws:ssm:{Region}:{Account}:document/SSM-SessionManagerRunShell";
        IamDecision At(DateTimeOffset at, string action, string resource, params (string, string)[] context) =>
            Evaluate([grant], Boundary, new IamRequest(action, resource, Context([("aws:CurrentTime", at.ToString("O")), ("aws:userid", "AIDADAVE"), .. context])));

        Assert.Equal(IamDecision.Allow, At(starts.AddMinutes(5), "ssm:StartSession", instance));
        Assert.Equal(IamDecision.Allow, At(starts.AddMinutes(5), "ssm:StartSession", document, ("ssm:SessionDocumentAccessCheck", "true")));
        Assert.Equal(IamDecision.ImplicitDeny, At(starts.AddHours(3), "ssm:StartSession", instance));
        Assert.Equal(IamDecision.ImplicitDeny, At(starts.AddMinutes(-5), "ssm:StartSession", instance));
        var session = $"arn:aws:ssm:{Region}:{Account}:session/dave-0abc";
        Assert.Equal(IamDecision.Allow, At(starts.AddMinutes(5), "ssm:ResumeSession", session, ("ssm:resourceTag/aws:ssmmessages:session-id", "AIDADAVE"), ("ssm:resourceTag/aws:ssmmessages:target-id", Bastion)));
        Assert.Equal(IamDecision.ImplicitDeny, At(starts.AddMinutes(5), "ssm:ResumeSession", session, ("ssm:resourceTag/aws:ssmmessages:session-id", "AIDAOPSADMIN"), ("ssm:resourceTag/aws:ssmmessages:target-id", Bastion)));
        Assert.Equal(IamDecision.ImplicitDeny, At(starts.AddMinutes(5), "ssm:StartSession", $"arn:aws:ec2:{Region}:{Account}:instance/i-0fedcba9876543210"));
    }

    [Fact]
    public void Evaluator_RefusesAnOperatorItDoesNotKnow()
    {
        var policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}""";

        Assert.Throws<NotSupportedException>(() => Evaluate([policy], null, new IamRequest("s3:GetObject", "*", Context(("aws:SourceIp", "10.1.2.3")))));
    }

    private static IamDecision Portal(string action, string resource, params (string, string)[] context) =>
        Evaluate(PortalRole, null, new IamRequest(action, resource, Context(context)));

    private static IamDecision Setup(string action, string resource, params (string, string)[] context) =>
        Evaluate(SetupRole, null, new IamRequest(action, resource, Context(context)));

    private static string User(string name) => $"arn:aws:iam::{Account}:user/{name}";

    /// <summary>Each <c>## heading</c>'s JSON block in docs/IAM.md, placeholders filled, by the heading's first words.</summary>
    private static Dictionary<string, string> ReadDocs()
    {
        var text = File.ReadAllText(Repository.File("docs/IAM.md"));
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in Block().Matches(text))
        {
            var json = match.Groups["json"].Value
                .Replace("<account>", Account, StringComparison.Ordinal)
                .Replace("<region>", Region, StringComparison.Ordinal)
                .Replace("<bucket>", "session-logs", StringComparison.Ordinal)
                .Replace("<key id>", "1234", StringComparison.Ordinal);
            var heading = match.Groups["heading"].Value;
            blocks[heading.Split(" (")[0].Trim()] = json;
        }

        return blocks;
    }

    [GeneratedRegex(@"^## (?<heading>[^\n]+)\n(?:(?!^#)[\s\S])*?```json\n(?<json>[\s\S]*?)\n```", RegexOptions.Multiline)]
    private static partial Regex Block();
}

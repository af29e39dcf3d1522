using System.Text.Json;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// The exported template deployed to moto's CloudFormation and read back with the <c>aws</c> CLI. moto creates the
/// resource types it implements (bucket, role, profile, managed policies and their roles, preferences document, topic, rule) and
/// skips the rest (bucket and topic policies, trail), which the unit tests cover. Its own region, so the account-wide
/// preferences document other tests write does not collide.
/// </summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupCloudFormationTests(MotoServerFixture moto)
{
    private const string Region = "eu-west-3";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Template_DeploysTheSetup()
    {
        var settings = new SetupSettings
        {
            BastionInstanceIds = ["i-0123456789abcdef0"],
            BucketName = $"stack-logs-{_suffix}",
            TopicName = $"stack-logins-{_suffix}",
            TopicDisplayName = "Stack logins",
            NotificationEmails = ["ops@example.com"],
            RoleName = $"stack-bastion-{_suffix}",
            InstanceProfileName = $"stack-bastion-{_suffix}",
            LoggingPolicyName = $"stack-logging-{_suffix}",
            EndUserPolicyName = $"stack-users-{_suffix}",
            BoundaryPolicyName = $"stack-boundary-{_suffix}",
            BastionUsers = ["ops-anna"],
            RuleName = $"stack-logins-{_suffix}",
            IdleSessionTimeoutMinutes = 15,
            DigestKeyAlias = $"alias/stack-digests-{_suffix}",
        };
        var account = (await CliAsync("sts", "get-caller-identity")).GetProperty("Account").GetString()!;
        var template = Path.Combine(Path.GetTempPath(), $"setup-{_suffix}.template.json");
        await File.WriteAllTextAsync(template, SetupCloudFormation.ToTemplate(new SetupDocuments(settings, Region, account)));
        try
        {
            await CliAsync("cloudformation", "create-stack", "--stack-name", $"portal-setup-{_suffix}", "--template-body", $"file://{template}", "--capabilities", "CAPABILITY_NAMED_IAM");
        }
        finally
        {
            File.Delete(template);
        }

        var stack = (await CliAsync("cloudformation", "describe-stacks", "--stack-name", $"portal-setup-{_suffix}")).GetProperty("Stacks")[0];
        Assert.Equal("CREATE_COMPLETE", stack.GetProperty("StackStatus").GetString());

        var encryption = await CliAsync("s3api", "get-bucket-encryption", "--bucket", settings.BucketName);
        Assert.Equal("AES256", encryption.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        var role = (await CliAsync("iam", "get-role", "--role-name", settings.RoleName)).GetProperty("Role");
        Assert.Contains("ec2.amazonaws.com", role.GetProperty("AssumeRolePolicyDocument").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("ssm.amazonaws.com", role.GetProperty("AssumeRolePolicyDocument").GetRawText(), StringComparison.Ordinal);
        var attached = (await CliAsync("iam", "list-attached-role-policies", "--role-name", settings.RoleName)).GetProperty("AttachedPolicies").EnumerateArray().Select(p => p.GetProperty("PolicyName").GetString()).ToList();
        // moto ignores a role's ManagedPolicyArns, so AmazonSSMManagedInstanceCore is checked by the unit tests only.
        Assert.Contains(settings.LoggingPolicyName, attached);
        // moto's stack keeps the key policy as an object and then fails DescribeKey on it, so the key is checked by its
        // alias here and by its properties in the unit tests.
        var aliases = (await CliAsync("kms", "list-aliases")).GetProperty("Aliases").EnumerateArray();
        var stackKey = stack.GetProperty("Outputs").EnumerateArray().Single(o => o.GetProperty("OutputKey").GetString() == "DigestKeyArn").GetProperty("OutputValue").GetString()!;
        Assert.Contains(aliases, a => a.GetProperty("AliasName").GetString() == settings.DigestKeyAlias && stackKey.EndsWith("/" + a.GetProperty("TargetKeyId").GetString(), StringComparison.Ordinal));
        var profile = (await CliAsync("iam", "get-instance-profile", "--instance-profile-name", settings.InstanceProfileName)).GetProperty("InstanceProfile");
        Assert.Equal(settings.RoleName, profile.GetProperty("Roles")[0].GetProperty("RoleName").GetString());
        var endUser = (await CliAsync("iam", "get-policy-version", "--policy-arn", $"arn:aws:iam::{account}:policy/{settings.EndUserPolicyName}", "--version-id", "v1")).GetProperty("PolicyVersion").GetProperty("Document");
        Assert.Contains("NoUnrecordedSessions", endUser.ValueKind == JsonValueKind.String ? endUser.GetString() : endUser.GetRawText(), StringComparison.Ordinal);
        var boundary = (await CliAsync("iam", "get-policy-version", "--policy-arn", $"arn:aws:iam::{account}:policy/{settings.BoundaryPolicyName}", "--version-id", "v1")).GetProperty("PolicyVersion").GetProperty("Document");
        Assert.Contains("StartOnBastions", boundary.ValueKind == JsonValueKind.String ? boundary.GetString() : boundary.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(stack.GetProperty("Outputs").EnumerateArray(), o => o.GetProperty("OutputValue").GetString() == $"aws iam put-user-permissions-boundary --user-name ops-anna --permissions-boundary arn:aws:iam::{account}:policy/{settings.BoundaryPolicyName}");
        var preferences = await CliAsync("ssm", "get-document", "--name", SessionPreferences.DocumentName);
        Assert.Equal("Session", preferences.GetProperty("DocumentType").GetString());
        var content = preferences.GetProperty("Content"); // moto hands back the template's object as it was given
        var inputs = (content.ValueKind == JsonValueKind.String ? JsonDocument.Parse(content.GetString()!).RootElement : content).GetProperty("inputs");
        Assert.Equal((settings.BucketName, "sessionmanager", "15"), (inputs.GetProperty("s3BucketName").GetString(), inputs.GetProperty("s3KeyPrefix").GetString(), inputs.GetProperty("idleSessionTimeout").GetString()));
        var topicArn = $"arn:aws:sns:{Region}:{account}:{settings.TopicName}";
        Assert.Equal("Stack logins", (await CliAsync("sns", "get-topic-attributes", "--topic-arn", topicArn)).GetProperty("Attributes").GetProperty("DisplayName").GetString());
        var rule = await CliAsync("events", "describe-rule", "--name", settings.RuleName);
        Assert.Contains(settings.BastionInstanceIds[0], rule.GetProperty("EventPattern").GetString(), StringComparison.Ordinal);
        var sessions = await CliAsync("events", "describe-rule", "--name", settings.RuleName + "-sessions");
        Assert.Contains("ResumeSession", sessions.GetProperty("EventPattern").GetString(), StringComparison.Ordinal);
        var target = (await CliAsync("events", "list-targets-by-rule", "--rule", settings.RuleName)).GetProperty("Targets")[0];
        Assert.Equal(topicArn, target.GetProperty("Arn").GetString());
    }

    private Task<JsonElement> CliAsync(params string[] args) => AwsCli.RunInRegionAsync(moto.Endpoint, Region, args);
}

using System.Text.Json.Nodes;
using Portal.Core.Setup;

namespace Portal.Tests.Core.Setup;

public sealed class SetupCloudFormationTests
{
    private const string Key = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0", "i-0fedcba9876543210"],
        BucketName = "example-session-logs",
        TopicName = "bastion-logins",
        TopicDisplayName = "Logins \"on\" ${AWS::Region}",
        NotificationEmails = ["ops@example.com", "sec@example.com"],
        RetentionDays = 400,
    };

    private static readonly SetupDocuments Documents = new(Settings, "ap-northeast-1", "123456789012");

    [Fact]
    public void Template_HoldsEveryResourceWithTheWizardsDocuments()
    {
        var template = Parse(Documents);
        var resources = template["Resources"]!.AsObject();

        Assert.Equal(
            ["AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::InstanceProfile", "AWS::SSM::Document", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "AWS::IAM::ManagedPolicy", "AWS::IAM::ManagedPolicy", "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::Events::Rule", "AWS::Events::Rule", "AWS::Events::Rule"],
            resources.Select(r => r.Value!["Type"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Documents.DigestKeyPolicy.ToJson()), resources["DigestKey"]!["Properties"]!["KeyPolicy"]));
        Assert.Equal(("RSA_3072", "SIGN_VERIFY"), (resources["DigestKey"]!["Properties"]!["KeySpec"]!.GetValue<string>(), resources["DigestKey"]!["Properties"]!["KeyUsage"]!.GetValue<string>()));
        Assert.Equal("alias/bastion-portal-digests", resources["DigestKeyAlias"]!["Properties"]!["AliasName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Documents.LoggingPolicy.ToJson()), resources["LoggingPolicy"]!["Properties"]!["PolicyDocument"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Documents.EndUserPolicy.ToJson()), resources["EndUserPolicy"]!["Properties"]!["PolicyDocument"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Documents.BoundaryPolicy.ToJson()), resources["BastionUsersBoundary"]!["Properties"]!["PolicyDocument"]));
        Assert.Equal("PortalBastionBoundary", resources["BastionUsersBoundary"]!["Properties"]!["ManagedPolicyName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SetupDocuments.BastionTrustPolicy.ToJson()), resources["BastionRole"]!["Properties"]!["AssumeRolePolicyDocument"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Documents.PreferencesDocument), resources["SessionPreferences"]!["Properties"]!["Content"]));
        Assert.All(Documents.LoginRules.Zip(["LoginRule", "LoginSessionsRule", "LoginDeniedRule"]), pair =>
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pair.First.EventPattern), resources[pair.Second]!["Properties"]!["EventPattern"]));
            Assert.Equal(pair.First.Name, resources[pair.Second]!["Properties"]!["Name"]!.GetValue<string>());
            Assert.Equal(pair.First.Target.InputTransformer!.InputTemplate, resources[pair.Second]!["Properties"]!["Targets"]![0]!["InputTransformer"]!["InputTemplate"]!.GetValue<string>());
        });
        Assert.Equal(SessionPreferences.DocumentName, resources["SessionPreferences"]!["Properties"]!["Name"]!.GetValue<string>());
        Assert.Equal("Session", resources["SessionPreferences"]!["Properties"]!["DocumentType"]!.GetValue<string>());

        var bucket = resources["LogBucket"]!["Properties"]!;
        Assert.Equal("AES256", bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        Assert.All(bucket["PublicAccessBlockConfiguration"]!.AsObject(), block => Assert.True(block.Value!.GetValue<bool>(), block.Key));
        Assert.Equal(4, bucket["PublicAccessBlockConfiguration"]!.AsObject().Count);
        Assert.Equal("Enabled", bucket["VersioningConfiguration"]!["Status"]!.GetValue<string>()); // on by default
        var retention = bucket["LifecycleConfiguration"]!["Rules"]![0]!;
        Assert.Equal(("sessionmanager/", 400), (retention["Prefix"]!.GetValue<string>(), retention["ExpirationInDays"]!.GetValue<int>()));
        Assert.Equal(400, retention["NoncurrentVersionExpiration"]!["NoncurrentDays"]!.GetValue<int>()); // old versions kept as long as transcripts

        var role = resources["BastionRole"]!["Properties"]!;
        Assert.Equal("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", role["ManagedPolicyArns"]![0]!.GetValue<string>());
        Assert.Equal("BastionRole", resources["LoggingPolicy"]!["Properties"]!["Roles"]![0]!["Ref"]!.GetValue<string>());

        var topic = resources["LoginTopic"]!["Properties"]!;
        Assert.Equal(Settings.TopicDisplayName, topic["DisplayName"]!.GetValue<string>());
        Assert.Equal(["ops@example.com", "sec@example.com"], topic["Subscription"]!.AsArray().Select(s => s!["Endpoint"]!.GetValue<string>()));
        var publish = resources["LoginTopicPolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
        Assert.Equal("events.amazonaws.com", publish["Principal"]!["Service"]![0]!.GetValue<string>());
        var target = resources["LoginRule"]!["Properties"]!["Targets"]![0]!;
        Assert.Equal("LoginTopic", target["Arn"]!["Ref"]!.GetValue<string>());
        Assert.Null(resources["ManagementEventsTrail"]);
    }

    [Fact]
    public void Template_WithATrail_ExpiresItsLogsToo_AndAbortsIncompleteUploads()
    {
        var template = Parse(Documents with { Settings = Settings with { CreateTrailIfMissing = true } });

        var rules = template["Resources"]!["LogBucket"]!["Properties"]!["LifecycleConfiguration"]!["Rules"]!.AsArray();

        Assert.Equal(["sessionmanager/", "AWSLogs/"], rules.Select(r => r!["Prefix"]!.GetValue<string>()));
        Assert.All(rules, r => Assert.Equal((400, 7), (r!["ExpirationInDays"]!.GetValue<int>(), r["AbortIncompleteMultipartUpload"]!["DaysAfterInitiation"]!.GetValue<int>())));
        Assert.Equal("NewVersion", template["Resources"]!["SessionPreferences"]!["Properties"]!["UpdateMethod"]!.GetValue<string>());
        Assert.Contains("CAPABILITY_NAMED_IAM", template["Description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_EveryReferenceNamesAResource()
    {
        var template = Parse(Documents with { Settings = Settings with { CreateTrailIfMissing = true } });
        var names = template["Resources"]!.AsObject().Select(r => r.Key).ToHashSet();

        var references = References(template).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.Contains(name, names));
        Assert.All(
            template["Resources"]!.AsObject().SelectMany(r => r.Value!["DependsOn"]?.AsArray().Select(d => d!.GetValue<string>()) ?? []),
            name => Assert.Contains(name, names));
    }

    [Fact]
    public void Template_OutputsTheAssociationCommandForEachBastion()
    {
        var outputs = Parse(Documents)["Outputs"]!.AsObject();

        var commands = outputs.Where(o => o.Key.StartsWith("AssociateBastion", StringComparison.Ordinal)).Select(o => o.Value!["Value"]!["Fn::Sub"]!.GetValue<string>()).ToList();

        Assert.Equal(2, commands.Count);
        Assert.Contains("--instance-id i-0123456789abcdef0 --iam-instance-profile Name=${BastionInstanceProfile}", commands[0], StringComparison.Ordinal);
        Assert.Contains("--instance-id i-0fedcba9876543210", commands[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Template_WithKmsVersioningAndATrail_SaysSo()
    {
        var resources = Parse(Documents with { Settings = Settings with { Encryption = BucketEncryption.SseKms, KmsKeyArn = Key, Versioning = true, CreateTrailIfMissing = true } })["Resources"]!;

        var bucket = resources["LogBucket"]!["Properties"]!;
        var encryption = bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!;
        Assert.Equal(("aws:kms", Key), (encryption["SSEAlgorithm"]!.GetValue<string>(), encryption["KMSMasterKeyID"]!.GetValue<string>()));
        Assert.Equal("Enabled", bucket["VersioningConfiguration"]!["Status"]!.GetValue<string>());
        Assert.Equal(400, bucket["LifecycleConfiguration"]!["Rules"]![0]!["NoncurrentVersionExpiration"]!["NoncurrentDays"]!.GetValue<int>());
        var trail = resources["ManagementEventsTrail"]!;
        Assert.Equal("AWS::CloudTrail::Trail", trail["Type"]!.GetValue<string>());
        Assert.True(trail["Properties"]!["IsLogging"]!.GetValue<bool>());
        Assert.Equal("LogBucketPolicy", trail["DependsOn"]![0]!.GetValue<string>());
        var bucketStatements = resources["LogBucketPolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!["Sid"]!.GetValue<string>());
        Assert.Equal([SetupDocuments.DenyInsecureTransportSid, "PortalCloudTrailAclCheck", "PortalCloudTrailWrite"], bucketStatements);
        Assert.Contains(resources["LoggingPolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s => s!["Resource"]![0]!.GetValue<string>() == Key);
    }

    private static JsonObject Parse(SetupDocuments documents) => JsonNode.Parse(SetupCloudFormation.ToTemplate(documents))!.AsObject();

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj when obj.Count == 1 && obj["Ref"] is JsonValue reference => [reference.GetValue<string>()],
        JsonObject obj when obj["Fn::Sub"] is JsonValue sub => System.Text.RegularExpressions.Regex.Matches(sub.GetValue<string>(), @"\$\{(\w+)\}").Select(m => m.Groups[1].Value),
        JsonObject obj => obj.SelectMany(p => References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}

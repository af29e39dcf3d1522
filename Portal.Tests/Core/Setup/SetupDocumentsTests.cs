using System.Text.Json;
using Portal.Core.Setup;

namespace Portal.Tests.Core.Setup;

public sealed class SetupDocumentsTests
{
    private const string Key = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0", "i-0fedcba9876543210"],
        BucketName = "example-session-logs",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
        IdleSessionTimeoutMinutes = 15,
        MaxSessionDurationMinutes = 120,
    };

    private static readonly SetupDocuments Documents = new(Settings, "ap-northeast-1", "123456789012");

    [Fact]
    public void LoggingPolicy_LetsTheBastionWriteUnderThePrefixOnly()
    {
        var statements = Statements(Documents.LoggingPolicy.ToJson());

        Assert.Equal(2, statements.Count);
        Assert.Equal(["s3:PutObject"], Strings(statements[0], "Action"));
        Assert.Equal(["arn:aws:s3:::example-session-logs/sessionmanager/*"], Strings(statements[0], "Resource"));
        Assert.Equal(["s3:GetEncryptionConfiguration"], Strings(statements[1], "Action"));
        Assert.Equal(["arn:aws:s3:::example-session-logs"], Strings(statements[1], "Resource"));
        Assert.DoesNotContain("s3:GetObject", Documents.LoggingPolicy.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_WithSseKms_UseTheKey()
    {
        var kms = Documents with { Settings = Settings with { Encryption = BucketEncryption.SseKms, KmsKeyArn = Key } };

        var logging = Statements(kms.LoggingPolicy.ToJson());

        Assert.Equal(["kms:GenerateDataKey", "kms:Decrypt"], Strings(logging[^1], "Action"));
        Assert.Equal([Key], Strings(logging[^1], "Resource"));
        Assert.DoesNotContain("kms:", kms.EndUserPolicy.ToJson(), StringComparison.Ordinal); // people never need the bucket's key
    }

    [Fact]
    public void EndUserPolicy_AllowsNoSession_AndDeniesAwsOwnUnrecordedDocuments()
    {
        var statements = Statements(Documents.EndUserPolicy.ToJson());

        // No standing access: nothing here allows StartSession, ResumeSession or a data channel, with or without a window.
        Assert.DoesNotContain(statements, s => s.GetProperty("Effect").GetString() == "Allow" && Strings(s, "Action").Any(a => a.StartsWith("ssm:StartSession", StringComparison.Ordinal) || a.StartsWith("ssm:ResumeSession", StringComparison.Ordinal) || a.StartsWith("ssmmessages:", StringComparison.Ordinal) || a.Contains('*', StringComparison.Ordinal)));
        var deny = Assert.Single(statements, s => s.GetProperty("Effect").GetString() == "Deny");
        Assert.Equal(["ssm:StartSession"], Strings(deny, "Action"));
        Assert.Equal(["arn:aws:ssm:*::document/*"], Strings(deny, "Resource")); // AWS-owned documents have no account
        var read = Assert.Single(statements, s => s.GetProperty("Effect").GetString() == "Allow");
        Assert.Equal(["arn:aws:ssm:ap-northeast-1:123456789012:document/SSM-SessionManagerRunShell"], Strings(read, "Resource"));
    }

    [Fact]
    public void TrustAndBucketStatements_NameTheirPrincipals()
    {
        var trust = Statements(SetupDocuments.BastionTrustPolicy.ToJson())[0];
        var deny = Statements(new PolicyDocument([Documents.DenyInsecureTransport]).ToJson())[0];
        var publish = Statements(new PolicyDocument([Documents.EventBridgePublish]).ToJson())[0];

        Assert.Equal(["ec2.amazonaws.com"], Strings(trust.GetProperty("Principal"), "Service"));
        Assert.False(trust.TryGetProperty("Resource", out _));
        Assert.Equal("Deny", deny.GetProperty("Effect").GetString());
        Assert.Equal("*", deny.GetProperty("Principal").GetString());
        Assert.Equal(["arn:aws:s3:::example-session-logs", "arn:aws:s3:::example-session-logs/*"], Strings(deny, "Resource"));
        Assert.Equal("false", deny.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString());
        Assert.Equal(["events.amazonaws.com"], Strings(publish.GetProperty("Principal"), "Service"));
        Assert.Equal(["arn:aws:sns:ap-northeast-1:123456789012:bastion-logins"], Strings(publish, "Resource"));
    }

    [Fact]
    public void PreferencesDocument_LogsToTheBucketWithBooleansAsBooleans()
    {
        using var document = JsonDocument.Parse(Documents.PreferencesDocument);
        var inputs = document.RootElement.GetProperty("inputs");

        Assert.Equal("Standard_Stream", document.RootElement.GetProperty("sessionType").GetString());
        Assert.Equal("example-session-logs", inputs.GetProperty("s3BucketName").GetString());
        Assert.Equal("sessionmanager", inputs.GetProperty("s3KeyPrefix").GetString());
        Assert.Equal(JsonValueKind.True, inputs.GetProperty("s3EncryptionEnabled").ValueKind);
        Assert.Equal(JsonValueKind.False, inputs.GetProperty("cloudWatchStreamingEnabled").ValueKind);
        Assert.Equal(JsonValueKind.False, inputs.GetProperty("runAsEnabled").ValueKind);
        Assert.Equal("15", inputs.GetProperty("idleSessionTimeout").GetString());
        Assert.Equal("120", inputs.GetProperty("maxSessionDuration").GetString());
        Assert.Equal(string.Empty, inputs.GetProperty("kmsKeyId").GetString());
    }

    [Fact]
    public void LoginRules_MatchStartsOnTheBastions_ResumesAndEnds_AndRefusals_EachWithItsPlainSentence()
    {
        var rules = Documents.LoginRules;
        var (start, sessions, denied) = (rules[0], rules[1], rules[2]);
        var startDetail = JsonDocument.Parse(start.EventPattern).RootElement.GetProperty("detail");
        var sessionsDetail = JsonDocument.Parse(sessions.EventPattern).RootElement.GetProperty("detail");
        var deniedDetail = JsonDocument.Parse(denied.EventPattern).RootElement.GetProperty("detail");

        Assert.Equal([Settings.RuleName, Settings.RuleName + "-sessions", Settings.RuleName + "-denied"], rules.Select(r => r.Name));
        Assert.Equal(["StartSession"], Strings(startDetail, "eventName"));
        Assert.Equal(Settings.BastionInstanceIds, Strings(startDetail.GetProperty("requestParameters"), "target"));
        Assert.False(startDetail.GetProperty("errorCode")[0].GetProperty("exists").GetBoolean());
        Assert.Equal(["ResumeSession", "TerminateSession"], Strings(sessionsDetail, "eventName"));
        Assert.Equal("$.detail.requestParameters.sessionId", sessions.Target.InputTransformer!.InputPathsMap["session"]); // they carry no target
        Assert.True(deniedDetail.GetProperty("errorCode")[0].GetProperty("exists").GetBoolean());
        Assert.Equal(2, deniedDetail.GetProperty("$or").GetArrayLength());
        Assert.StartsWith("Denied: ", denied.Target.InputTransformer!.InputTemplate, StringComparison.Ordinal);
        Assert.All(rules, rule =>
        {
            Assert.Equal(["AWS API Call via CloudTrail"], Strings(JsonDocument.Parse(rule.EventPattern).RootElement, "detail-type"));
            Assert.Equal(Documents.TopicArn, rule.Target.Arn);
            Assert.Equal("$.detail.userIdentity.arn", rule.Target.InputTransformer!.InputPathsMap["who"]);
            Assert.All(rule.Target.InputTransformer.InputPathsMap.Keys, key => Assert.Contains($"<{key}>", rule.Target.InputTransformer.InputTemplate, StringComparison.Ordinal));
            Assert.False(rule.Target.InputTransformer.InputTemplate.StartsWith('"')); // plain text, not a quoted string
        });
    }

    [Theory]
    [InlineData(NoticeLanguage.English, "<who> started session <session> on <target> at <when> (region <region>).")]
    [InlineData(NoticeLanguage.Japanese, "<who> が <when> に <target> でセッション <session> を開始しました（リージョン <region>）。")]
    [InlineData(NoticeLanguage.Both, "<who> が <when> に <target> でセッション <session> を開始しました（リージョン <region>）。 / <who> started session <session> on <target> at <when> (region <region>).")]
    public void LoginMails_AreWrittenInTheChosenLanguage_WithEveryValueInPlace(NoticeLanguage language, string sentence)
    {
        var rules = new SetupDocuments(Settings with { NoticeLanguage = language }, "ap-northeast-1", "123456789012").LoginRules;

        Assert.Equal(sentence, rules[0].Target.InputTransformer!.InputTemplate);
        Assert.All(rules, rule => Assert.All(
            rule.Target.InputTransformer!.InputPathsMap.Keys,
            key => Assert.Contains($"<{key}>", rule.Target.InputTransformer.InputTemplate, StringComparison.Ordinal)));
    }

    [Fact]
    public void TrailStatements_NameTheWizardsTrail_AsAwssExamplesDo()
    {
        var trail = $"arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/{Settings.TrailName}";

        Assert.All(Documents.CloudTrailStatements, st => Assert.Equal(trail, st.Condition!["StringEquals"]["aws:SourceArn"]));
        Assert.Equal(trail, Documents.CloudTrailKeyStatement.Condition!["StringEquals"]["aws:SourceArn"]);
        Assert.Contains("kms:GenerateDataKey*", Documents.CloudTrailKeyStatement.Action);
    }

    [Fact]
    public void Merge_ReplacesItsOwnStatementAndKeepsTheRest()
    {
        const string existing = """
            {"Version":"2012-10-17","Id":"kept","Statement":[
              {"Sid":"Theirs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"SNS:Subscribe","Resource":"*"},
              {"Sid":"PortalEventBridgePublish","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:ap-northeast-1:123456789012:old"}]}
            """;

        var merged = SetupDocuments.Merge(existing, Documents.EventBridgePublish);
        var again = SetupDocuments.Merge(merged, Documents.EventBridgePublish);
        var single = SetupDocuments.Merge("""{"Statement":{"Sid":"One","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}""", Documents.DenyInsecureTransport);

        var statements = Statements(merged);
        Assert.Equal(["Theirs", "PortalEventBridgePublish"], statements.Select(s => s.GetProperty("Sid").GetString()));
        Assert.Equal([Documents.TopicArn], Strings(statements[1], "Resource"));
        Assert.Equal(merged, again);
        Assert.Contains("\"Id\": \"kept\"", merged, StringComparison.Ordinal);
        Assert.Equal(["One", SetupDocuments.DenyInsecureTransportSid], Statements(single).Select(s => s.GetProperty("Sid").GetString()));
        Assert.Single(Statements(SetupDocuments.Merge(null, Documents.EventBridgePublish)));
        Assert.Throws<JsonException>(() => SetupDocuments.Merge("[1, 2]", Documents.EventBridgePublish));
    }

    [Theory]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("eu-west-1", "aws")]
    public void Arns_UseTheRegionsPartition(string region, string partition)
    {
        var documents = Documents with { Region = region };

        Assert.Equal($"arn:{partition}:s3:::example-session-logs", documents.BucketArn);
        Assert.StartsWith($"arn:{partition}:sns:{region}:", documents.TopicArn, StringComparison.Ordinal);
    }

    private static List<JsonElement> Statements(string policy) =>
        [.. JsonDocument.Parse(policy).RootElement.GetProperty("Statement").EnumerateArray()];

    private static List<string> Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}

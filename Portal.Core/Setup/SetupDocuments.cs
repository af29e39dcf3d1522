using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Aws.EventBridge;
using Portal.Core.Text;

namespace Portal.Core.Setup;

/// <summary>
/// The JSON documents the setup wizard writes: policies, the Session Manager preferences, the event pattern and
/// the mail's template. Built with the serializer from the settings, so the plan shows exactly what apply sends.
/// </summary>
/// <param name="Settings">The Admin's choices (validated).</param>
/// <param name="Region">The region everything is set up in.</param>
/// <param name="AccountId">The account, from STS.</param>
public sealed record SetupDocuments(SetupSettings Settings, string Region, string AccountId)
{
    /// <summary>The statement id the wizard gives the statement it adds to the log bucket's policy.</summary>
    public const string DenyInsecureTransportSid = "PortalDenyInsecureTransport";

    /// <summary>The statement id the wizard gives the statement it adds to the topic's policy.</summary>
    public const string EventBridgePublishSid = "PortalEventBridgePublish";

    /// <summary>The statement id of the digest key's statement that lets only the portal sign.</summary>
    public const string DigestSignerOnlySid = "PortalDigestSignerOnly";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Who the portal is in AWS (STS GetCallerIdentity's ARN): the only principal the digest key lets sign. The
    /// account's root when unknown.
    /// </summary>
    public string? PortalPrincipalArn { get; init; }

    /// <summary>
    /// The portal as <c>aws:PrincipalArn</c> sees it: a role session is its role (under any path, which the session's
    /// ARN does not show), a user is itself.
    /// </summary>
    public IReadOnlyList<string> PortalPrincipalPatterns
    {
        get
        {
            var arn = PortalPrincipalArn ?? $"arn:{Partition}:iam::{AccountId}:root";
            var parts = arn.Split(':', 6);
            if (parts is [_, var partition, "sts", _, var account, var resource] && resource.StartsWith("assumed-role/", StringComparison.Ordinal)
                && resource.Split('/') is [_, var role, ..])
            {
                return [$"arn:{partition}:iam::{account}:role/{role}", $"arn:{partition}:iam::{account}:role/*/{role}"];
            }

            return [arn];
        }
    }

    /// <summary>The digest key's administration as KMS's default key policy has it: the account, through IAM policies.</summary>
    public PolicyStatement DigestKeyAdministration => new("PortalKeyAdministration", "Allow", ["kms:*"], ["*"])
    {
        Principal = new Dictionary<string, IReadOnlyList<string>> { ["AWS"] = [$"arn:{Partition}:iam::{AccountId}:root"] },
    };

    /// <summary>
    /// Nobody but the portal signs with the digest key, whatever their IAM policies allow: a forged digest needs a
    /// change of the key policy first, which CloudTrail records.
    /// </summary>
    public PolicyStatement DigestSignerOnly => new(DigestSignerOnlySid, "Deny", ["kms:Sign"], ["*"])
    {
        Principal = "*",
        Condition = new Dictionary<string, IReadOnlyDictionary<string, object>>
        {
            ["ArnNotLike"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = PortalPrincipalPatterns },
        },
    };

    /// <summary>The key policy of a digest key the wizard creates.</summary>
    public PolicyDocument DigestKeyPolicy => new([DigestKeyAdministration, DigestSignerOnly]);

    /// <summary>The partition of <see cref="Region"/>: <c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>.</summary>
    public string Partition => Aws.AwsPartition.Of(Region);

    /// <summary>The log bucket's ARN.</summary>
    public string BucketArn => $"arn:{Partition}:s3:::{Settings.BucketName}";

    /// <summary>The SNS topic's ARN.</summary>
    public string TopicArn => $"arn:{Partition}:sns:{Region}:{AccountId}:{Settings.TopicName}";

    /// <summary>The ARN of the trail the wizard creates (with <see cref="SetupSettings.CreateTrailIfMissing"/>).</summary>
    public string TrailArn => $"arn:{Partition}:cloudtrail:{Region}:{AccountId}:trail/{Settings.TrailName}";

    /// <summary>The preferences document's ARN.</summary>
    public string PreferencesDocumentArn => $"arn:{Partition}:ssm:{Region}:{AccountId}:document/{SessionPreferences.DocumentName}";

    /// <summary>The statement the bucket policy needs: nobody reads or writes the bucket without TLS.</summary>
    public PolicyStatement DenyInsecureTransport => new(DenyInsecureTransportSid, "Deny", ["s3:*"], [BucketArn, $"{BucketArn}/*"])
    {
        Principal = "*",
        Condition = Conditions("Bool", "aws:SecureTransport", "false"),
    };

    /// <summary>
    /// What a trail the wizard creates needs from the log bucket (with <see cref="SetupSettings.CreateTrailIfMissing"/>):
    /// CloudTrail checks the bucket's ACL and writes under <c>AWSLogs/&lt;account&gt;/</c>, for the wizard's trail only
    /// (<c>aws:SourceArn</c>, as AWS's examples have it).
    /// </summary>
    public IReadOnlyList<PolicyStatement> CloudTrailStatements =>
    [
        new("PortalCloudTrailAclCheck", "Allow", ["s3:GetBucketAcl"], [BucketArn])
        {
            Principal = PolicyStatement.Services("cloudtrail.amazonaws.com"),
            Condition = Conditions("StringEquals", "aws:SourceArn", TrailArn),
        },
        new("PortalCloudTrailWrite", "Allow", ["s3:PutObject"], [$"{BucketArn}/AWSLogs/{AccountId}/*"])
        {
            Principal = PolicyStatement.Services("cloudtrail.amazonaws.com"),
            Condition = new Dictionary<string, IReadOnlyDictionary<string, object>>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["s3:x-amz-acl"] = "bucket-owner-full-control", ["aws:SourceArn"] = TrailArn },
            },
        },
    ];

    /// <summary>
    /// What the bucket's KMS key policy needs (with SSE-KMS and a trail the wizard creates): S3 encrypts CloudTrail's
    /// writes with the bucket's key on CloudTrail's behalf, and only a key policy can let a service principal use a key.
    /// The wizard shows it; it does not change a key it does not own.
    /// </summary>
    public PolicyStatement CloudTrailKeyStatement => new("PortalCloudTrailBucketKey", "Allow", ["kms:GenerateDataKey*", "kms:Decrypt"], ["*"])
    {
        Principal = PolicyStatement.Services("cloudtrail.amazonaws.com"),
        Condition = Conditions("StringEquals", "aws:SourceArn", TrailArn),
    };

    /// <summary>Every statement the wizard keeps in the bucket's policy.</summary>
    public IReadOnlyList<PolicyStatement> BucketStatements =>
        Settings.CreateTrailIfMissing ? [DenyInsecureTransport, .. CloudTrailStatements] : [DenyInsecureTransport];

    /// <summary>Who may assume the bastion's role: EC2 (the instance) only, as AWS's instance-profile guide has it.</summary>
    public static PolicyDocument BastionTrustPolicy { get; } = new(
    [
        new PolicyStatement(null, "Allow", ["sts:AssumeRole"], null) { Principal = PolicyStatement.Services("ec2.amazonaws.com") },
    ]);

    /// <summary>
    /// What the bastion may do with the bucket: write transcripts under the prefix and check the bucket's
    /// encryption, nothing else (no reading, so a bastion user cannot read other sessions' transcripts); with
    /// SSE-KMS, use the key to write.
    /// </summary>
    public PolicyDocument LoggingPolicy
    {
        get
        {
            List<PolicyStatement> statements =
            [
                new("PutTranscripts", "Allow", ["s3:PutObject"], [$"{BucketArn}/{SetupSettings.KeyPrefix}/*"]),
                new("CheckBucketEncryption", "Allow", ["s3:GetEncryptionConfiguration"], [BucketArn]),
            ];
            if (Settings.Encryption == BucketEncryption.SseKms && Settings.KmsKeyArn is { } key)
            {
                statements.Add(new("EncryptTranscripts", "Allow", ["kms:GenerateDataKey", "kms:Decrypt"], [key]));
            }

            return new PolicyDocument(statements);
        }
    }

    /// <summary>
    /// The policy for the people who use the bastions. It grants no access: sessions come only from the portal's
    /// time-bound grants, which carry their own permissions, so this policy allows nothing that could start one. It
    /// reads the session preferences, and denies starting sessions with AWS's own documents (port forwarding, SSH,
    /// interactive commands), whose sessions Session Manager does not record, whatever another policy allows.
    /// </summary>
    public PolicyDocument EndUserPolicy => new(
    [
        new("ReadSessionPreferences", "Allow", ["ssm:GetDocument", "ssm:DescribeDocument"], [PreferencesDocumentArn]),
        new("NoUnrecordedSessions", "Deny", ["ssm:StartSession"], [$"arn:{Partition}:ssm:*::document/*"]),
    ]);

    /// <summary>The permissions boundary of the bastion users: Session Manager on the bastions, nothing else (ADR 0015).</summary>
    public PolicyDocument BoundaryPolicy => Access.GrantPolicy.Boundary(Partition, Region, AccountId, Settings.BastionInstanceIds);

    /// <summary>The boundary's ARN, as the portal's IAM permissions name it.</summary>
    public string BoundaryPolicyArn => Aws.Iam.IamNames.PolicyArn(Partition, AccountId, Settings.BoundaryPolicyName);

    /// <summary>The statement the topic's policy needs: EventBridge may publish to it.</summary>
    public PolicyStatement EventBridgePublish => new(EventBridgePublishSid, "Allow", ["sns:Publish"], [TopicArn])
    {
        Principal = PolicyStatement.Services("events.amazonaws.com"),
    };

    /// <summary>
    /// The Session Manager preferences: S3 logging to the bucket under the prefix, encryption required, no
    /// CloudWatch, no Run As, no KMS session encryption, and the two time limits.
    /// </summary>
    public string PreferencesDocument => JsonSerializer.Serialize(
        new
        {
            schemaVersion = "1.0",
            description = "Session Manager preferences, managed by the Bastion Portal",
            sessionType = "Standard_Stream",
            inputs = new
            {
                s3BucketName = Settings.BucketName,
                s3KeyPrefix = SetupSettings.KeyPrefix,
                s3EncryptionEnabled = true,
                cloudWatchLogGroupName = string.Empty,
                cloudWatchEncryptionEnabled = false,
                cloudWatchStreamingEnabled = false,
                kmsKeyId = string.Empty,
                runAsEnabled = false,
                runAsDefaultUser = string.Empty,
                idleSessionTimeout = Settings.IdleSessionTimeoutMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                maxSessionDuration = Settings.MaxSessionDurationMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                shellProfile = new { windows = string.Empty, linux = string.Empty },
            },
        },
        Indented);

    /// <summary>
    /// The login mail's rules, each with its own sentence, since an input transformer cannot word one event one way and
    /// another another: sessions started on the bastions; sessions resumed or ended (which name a session, not an
    /// instance); and attempts AWS refused (an <c>errorCode</c>), worded as denied.
    /// </summary>
    public IReadOnlyList<LoginRule> LoginRules
    {
        get
        {
            var bastions = Settings.BastionInstanceIds;
            var startOnBastions = new Dictionary<string, object> { ["eventName"] = StartSession, ["requestParameters"] = new Dictionary<string, object> { ["target"] = bastions } };
            var resumeOrEnd = new Dictionary<string, object> { ["eventName"] = ResumeOrTerminate };
            return
            [
                new(
                    Settings.RuleName,
                    string.Empty,
                    new Phrase("Session Manager sessions started on the bastions"),
                    Pattern(new Dictionary<string, object>(startOnBastions) { ["errorCode"] = new[] { new { exists = false } } }),
                    Notice("portal-login-notice", new Phrase("<who> started session <session> on <target> at <when> (region <region>)."), ("session", "$.detail.responseElements.sessionId"), ("target", "$.detail.requestParameters.target"))),
                new(
                    Settings.RuleName + "-sessions",
                    "-sessions",
                    new Phrase("Session Manager sessions resumed or ended"),
                    Pattern(new Dictionary<string, object>(resumeOrEnd) { ["errorCode"] = new[] { new { exists = false } } }),
                    Notice("portal-session-notice", new Phrase("<who> called <action> on session <session> at <when> (region <region>)."), ("session", "$.detail.requestParameters.sessionId"))),
                new(
                    Settings.RuleName + "-denied",
                    "-denied",
                    new Phrase("Session Manager calls AWS refused"),
                    Pattern(new Dictionary<string, object> { ["errorCode"] = new[] { new { exists = true } }, ["$or"] = new object[] { startOnBastions, resumeOrEnd } }),
                    Notice("portal-denied-notice", new Phrase("Denied: <who> tried <action> (instance <target>, session <session>) at <when>: <error> (region <region>)."), ("target", "$.detail.requestParameters.target"), ("session", "$.detail.requestParameters.sessionId"), ("error", "$.detail.errorCode"))),
            ];

            EventTarget Notice(string id, Phrase sentence, params (string Name, string Path)[] paths)
            {
                var japanese = sentence.ToString(CultureInfo.GetCultureInfo("ja"));
                var template = Settings.NoticeLanguage switch
                {
                    NoticeLanguage.Japanese => japanese,
                    NoticeLanguage.Both => $"{japanese} / {sentence.English}",
                    _ => sentence.English,
                };
                var map = new Dictionary<string, string> { ["who"] = "$.detail.userIdentity.arn", ["action"] = "$.detail.eventName", ["when"] = "$.detail.eventTime", ["region"] = "$.region" };
                foreach (var (name, path) in paths)
                {
                    map[name] = path;
                }

                // Plain text, as the API reference's example: a quoted template would mail the sentence in quotes.
                return new EventTarget(id, TopicArn, new EventInputTransformer(map.Where(p => template.Contains($"<{p.Key}>", StringComparison.Ordinal)).ToDictionary(), template));
            }
        }
    }

    /// <summary>An event pattern for Session Manager's API calls as CloudTrail records them, with more of <c>detail</c>.</summary>
    private static string Pattern(Dictionary<string, object> detail) => JsonSerializer.Serialize(
        new Dictionary<string, object>
        {
            ["source"] = SsmSource,
            ["detail-type"] = ApiCallViaCloudTrail,
            ["detail"] = new Dictionary<string, object>(detail) { ["eventSource"] = SsmEventSource },
        },
        Indented);

    private static readonly string[] SsmSource = ["aws.ssm"];
    private static readonly string[] ApiCallViaCloudTrail = ["AWS API Call via CloudTrail"];
    private static readonly string[] SsmEventSource = ["ssm.amazonaws.com"];
    private static readonly string[] StartSession = ["StartSession"];
    private static readonly string[] ResumeOrTerminate = ["ResumeSession", "TerminateSession"];

    /// <summary>
    /// An existing resource policy with <paramref name="statement"/> in it: a statement with the same Sid is
    /// replaced, every other statement is kept as it was. A missing or empty policy becomes one with that statement.
    /// </summary>
    /// <exception cref="JsonException">The existing policy is not JSON.</exception>
    public static string Merge(string? existingPolicy, PolicyStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var ours = JsonNode.Parse(new PolicyDocument([statement]).ToJson())!["Statement"]![0]!;
        if (string.IsNullOrWhiteSpace(existingPolicy))
        {
            return new PolicyDocument([statement]).ToJson();
        }

        var policy = JsonNode.Parse(existingPolicy) as JsonObject ?? throw new JsonException("The policy is not a JSON object.");
        var statements = policy["Statement"] switch
        {
            JsonArray array => array,
            JsonObject single => new JsonArray(single.DeepClone()),
            _ => [],
        };
        foreach (var same in statements.Where(s => s?["Sid"]?.GetValue<string>() == statement.Sid).ToList())
        {
            statements.Remove(same);
        }

        statements.Add(ours.DeepClone());
        policy["Statement"] = statements.DeepClone();
        policy["Version"] ??= "2012-10-17";
        return policy.ToJsonString(Indented);
    }

    /// <summary>
    /// True when <paramref name="policy"/> holds <paramref name="statement"/> as written (found by its Sid; a list of
    /// one and its single value count the same, as AWS may return either, and the order of keys does not matter).
    /// </summary>
    public static bool Contains(string? policy, PolicyStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (string.IsNullOrWhiteSpace(policy) || JsonNode.Parse(policy) is not JsonObject root)
        {
            return false;
        }

        var statements = root["Statement"] switch
        {
            JsonArray array => [.. array],
            JsonObject single => [single],
            _ => new List<JsonNode?>(),
        };
        var ours = Normalized(JsonNode.Parse(new PolicyDocument([statement]).ToJson())!["Statement"]![0]);
        return statements.Any(s => s?["Sid"]?.GetValue<string>() == statement.Sid && JsonNode.DeepEquals(Normalized(s), ours));
    }

    /// <summary>True when <paramref name="existing"/> says the same as <paramref name="wanted"/> (lists of one and their value alike, keys in any order).</summary>
    public static bool SameDocument(string? existing, PolicyDocument wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return !string.IsNullOrWhiteSpace(existing)
            && JsonNode.DeepEquals(Normalized(JsonNode.Parse(existing)), Normalized(JsonNode.Parse(wanted.ToJson())));
    }

    /// <summary>A copy where every list of one is its single value.</summary>
    private static JsonNode? Normalized(JsonNode? node) => node switch
    {
        JsonArray { Count: 1 } one => Normalized(one[0]),
        JsonArray many => new JsonArray([.. many.Select(Normalized)]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Normalized(p.Value)))),
        _ => node?.DeepClone(),
    };

    private static Dictionary<string, IReadOnlyDictionary<string, object>> Conditions(string op, string key, string value) =>
        new Dictionary<string, IReadOnlyDictionary<string, object>> { [op] = new Dictionary<string, object> { [key] = value } };
}

/// <summary>One of the login mail's EventBridge rules.</summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Suffix">What its document files' names carry (<c>event-pattern{Suffix}.json</c>).</param>
/// <param name="Matches">What it matches, in a few words.</param>
/// <param name="EventPattern">The pattern, JSON.</param>
/// <param name="Target">The topic, with the sentence the event becomes.</param>
public sealed record LoginRule(string Name, string Suffix, Phrase Matches, string EventPattern, EventTarget Target)
{
    /// <summary>The rule's description in EventBridge.</summary>
    public string Description => $"{Matches.English}, for the Bastion Portal";
}

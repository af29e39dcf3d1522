using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Setup.Steps;

namespace Portal.Core.Setup;

/// <summary>
/// The setup as a CloudFormation template, for teams that keep infrastructure in stacks: the same documents the
/// wizard applies, as resources of a new stack. Built as a JSON tree (no text splicing); policies are objects, as
/// CloudFormation takes them.
/// </summary>
/// <remarks>
/// A template creates; it does not adopt. Resources the account already has (a bucket, the preferences document,
/// a trail) make the stack fail on create, so the template is for accounts where the plan shows them missing.
/// Associating the instance profile with an existing instance, and setting an existing user's permissions boundary, are
/// not CloudFormation resources: the template's outputs carry the commands for them.
/// </remarks>
public static class SetupCloudFormation
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The template for <paramref name="documents"/>' settings, account and region.</summary>
    public static string ToTemplate(SetupDocuments documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var settings = documents.Settings;
        var resources = new JsonObject
        {
            ["LogBucket"] = Resource("AWS::S3::Bucket", LogBucket(settings)),
            ["LogBucketPolicy"] = Resource("AWS::S3::BucketPolicy", new JsonObject
            {
                ["Bucket"] = Ref("LogBucket"),
                ["PolicyDocument"] = Policy(new PolicyDocument(documents.BucketStatements)),
            }),
            ["LoggingPolicy"] = Resource("AWS::IAM::ManagedPolicy", new JsonObject
            {
                ["ManagedPolicyName"] = settings.LoggingPolicyName,
                ["Description"] = "Lets the bastion write session transcripts under the prefix, and nothing else in the bucket.",
                ["PolicyDocument"] = Policy(documents.LoggingPolicy),
                ["Roles"] = new JsonArray(Ref("BastionRole")),
            }),
            ["BastionRole"] = Resource("AWS::IAM::Role", new JsonObject
            {
                ["RoleName"] = settings.RoleName,
                ["AssumeRolePolicyDocument"] = Policy(SetupDocuments.BastionTrustPolicy),
                ["ManagedPolicyArns"] = new JsonArray($"arn:{documents.Partition}:iam::aws:policy/{BastionRoleStep.CorePolicyName}"),
            }),
            ["BastionInstanceProfile"] = Resource("AWS::IAM::InstanceProfile", new JsonObject
            {
                ["InstanceProfileName"] = settings.InstanceProfileName,
                ["Roles"] = new JsonArray(Ref("BastionRole")),
            }),
            ["SessionPreferences"] = Resource("AWS::SSM::Document", new JsonObject
            {
                ["Name"] = SessionPreferences.DocumentName,
                ["DocumentType"] = "Session",
                ["DocumentFormat"] = "JSON",
                // A named document cannot be replaced in place: a change of preferences becomes its new version.
                ["UpdateMethod"] = "NewVersion",
                ["Content"] = JsonNode.Parse(documents.PreferencesDocument),
            }),
            ["LoginTopic"] = Resource("AWS::SNS::Topic", new JsonObject
            {
                ["TopicName"] = settings.TopicName,
                ["DisplayName"] = settings.TopicDisplayName,
                ["Subscription"] = new JsonArray([.. settings.NotificationEmails.Select(email => (JsonNode)new JsonObject { ["Protocol"] = "email", ["Endpoint"] = email })]),
            }),
            ["LoginTopicPolicy"] = Resource("AWS::SNS::TopicPolicy", new JsonObject
            {
                ["Topics"] = new JsonArray(Ref("LoginTopic")),
                ["PolicyDocument"] = Policy(new PolicyDocument([documents.EventBridgePublish])),
            }),
            ["EndUserPolicy"] = Resource("AWS::IAM::ManagedPolicy", new JsonObject
            {
                ["ManagedPolicyName"] = settings.EndUserPolicyName,
                ["Description"] = "For the people who use the bastions: grants no access (the Bastion Portal's time-bound grants do), reads the session preferences and denies AWS's unrecorded session documents.",
                ["PolicyDocument"] = Policy(documents.EndUserPolicy),
            }),
            ["BastionUsersBoundary"] = Resource("AWS::IAM::ManagedPolicy", new JsonObject
            {
                ["ManagedPolicyName"] = settings.BoundaryPolicyName,
                ["Description"] = "The permissions boundary of the people who use the bastions: Session Manager on the bastions and nothing else. The Bastion Portal writes grants only onto users that carry it.",
                ["PolicyDocument"] = Policy(documents.BoundaryPolicy),
            }),
            ["DigestKey"] = Resource("AWS::KMS::Key", new JsonObject
            {
                ["Description"] = "Signs the Bastion Portal digests of session transcripts",
                ["KeySpec"] = DigestKeyStep.KeySpecName,
                ["KeyUsage"] = "SIGN_VERIFY",
                ["KeyPolicy"] = Policy(documents.DigestKeyPolicy),
            }),
            ["DigestKeyAlias"] = Resource("AWS::KMS::Alias", new JsonObject
            {
                ["AliasName"] = settings.DigestKeyAlias,
                ["TargetKeyId"] = Ref("DigestKey"),
            }),
        };

        foreach (var (login, logicalId) in documents.LoginRules.Zip(["LoginRule", "LoginSessionsRule", "LoginDeniedRule"]))
        {
            resources[logicalId] = Resource("AWS::Events::Rule", new JsonObject
            {
                ["Name"] = login.Name,
                ["Description"] = login.Description,
                ["State"] = "ENABLED",
                ["EventPattern"] = JsonNode.Parse(login.EventPattern),
                ["Targets"] = new JsonArray(Target(login.Target)),
            });
        }

        if (settings.CreateTrailIfMissing)
        {
            var trail = Resource("AWS::CloudTrail::Trail", new JsonObject
            {
                ["TrailName"] = settings.TrailName,
                ["S3BucketName"] = Ref("LogBucket"),
                ["IsLogging"] = true,
                ["IsMultiRegionTrail"] = true,
                ["IncludeGlobalServiceEvents"] = true,
            });
            trail["DependsOn"] = new JsonArray("LogBucketPolicy");
            resources["ManagementEventsTrail"] = trail;
        }

        var outputs = new JsonObject
        {
            ["LogBucketName"] = Output("Where Session Manager writes transcripts (under sessionmanager/).", Ref("LogBucket")),
            ["LoginTopicArn"] = Output("The topic login notices are mailed from; each address must confirm its subscription.", Ref("LoginTopic")),
            ["EndUserPolicyArn"] = Output("The policy for the people who use the bastions (it grants no access).", Ref("EndUserPolicy")),
            ["DigestKeyArn"] = Output("The key that signs the portal's digests; only the portal may sign with it.", new JsonObject { ["Fn::GetAtt"] = new JsonArray("DigestKey", "Arn") }),
            ["BoundaryPolicyArn"] = Output("The bastion users' permissions boundary; the portal grants only to users that carry it.", Ref("BastionUsersBoundary")),
        };
        AddCommands(outputs, "BoundBastionUser", settings.BastionUsers, user => (
            $"Run once the stack is created: CloudFormation does not change the existing user {user}.",
            $"aws iam put-user-permissions-boundary --user-name {user} --permissions-boundary ${{BastionUsersBoundary}}"));
        AddCommands(outputs, "AssociateBastion", settings.BastionInstanceIds, instance => (
            $"Run once the stack is created: CloudFormation cannot attach a profile to the existing instance {instance}.",
            $"aws ec2 associate-iam-instance-profile --region {documents.Region} --instance-id {instance} --iam-instance-profile Name=${{BastionInstanceProfile}}"));

        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = $"Session Manager logging and login notices for the bastions {string.Join(", ", settings.BastionInstanceIds)}, exported by the Bastion Portal. "
                + "For an account where the plan shows these resources missing: a stack does not adopt existing ones. "
                + "It names IAM resources, so create it with --capabilities CAPABILITY_NAMED_IAM.",
            ["Resources"] = resources,
            ["Outputs"] = outputs,
        };
        return template.ToJsonString(Indented);
    }

    private static JsonObject LogBucket(SetupSettings settings)
    {
        var encryption = settings.Encryption == BucketEncryption.SseKms
            ? new JsonObject { ["SSEAlgorithm"] = "aws:kms", ["KMSMasterKeyID"] = settings.KmsKeyArn }
            : new JsonObject { ["SSEAlgorithm"] = "AES256" };
        var bucket = new JsonObject
        {
            ["BucketName"] = settings.BucketName,
            ["BucketEncryption"] = new JsonObject
            {
                ["ServerSideEncryptionConfiguration"] = new JsonArray(new JsonObject
                {
                    ["ServerSideEncryptionByDefault"] = encryption,
                    ["BucketKeyEnabled"] = settings.Encryption == BucketEncryption.SseKms,
                }),
            },
            ["PublicAccessBlockConfiguration"] = new JsonObject
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
        };
        if (settings.Versioning)
        {
            bucket["VersioningConfiguration"] = new JsonObject { ["Status"] = "Enabled" };
        }

        if (settings.RetentionDays is { } days)
        {
            var rule = new JsonObject
            {
                ["Id"] = LogBucketStep.RetentionRuleId,
                ["Status"] = "Enabled",
                ["Prefix"] = $"{SetupSettings.KeyPrefix}/",
                ["ExpirationInDays"] = days,
                ["AbortIncompleteMultipartUpload"] = new JsonObject { ["DaysAfterInitiation"] = LogBucketStep.AbortUploadsAfterDays },
            };
            if (settings.Versioning)
            {
                rule["NoncurrentVersionExpiration"] = new JsonObject { ["NoncurrentDays"] = days };
            }

            var rules = new JsonArray(rule);
            if (settings.CreateTrailIfMissing)
            {
                var trailRule = rule.DeepClone().AsObject();
                trailRule["Id"] = LogBucketStep.TrailRetentionRuleId;
                trailRule["Prefix"] = LogBucketStep.TrailLogsPrefix;
                rules.Add(trailRule);
            }

            bucket["LifecycleConfiguration"] = new JsonObject { ["Rules"] = rules };
        }

        return bucket;
    }

    private static JsonObject Target(Aws.EventBridge.EventTarget target)
    {
        var paths = new JsonObject();
        foreach (var (name, path) in target.InputTransformer!.InputPathsMap)
        {
            paths[name] = path;
        }

        return new JsonObject
        {
            ["Id"] = target.Id,
            ["Arn"] = Ref("LoginTopic"),
            ["InputTransformer"] = new JsonObject
            {
                ["InputPathsMap"] = paths,
                ["InputTemplate"] = target.InputTransformer.InputTemplate,
            },
        };
    }

    /// <summary>An output per item (<c>Prefix1</c>, <c>Prefix2</c>, ...) holding a command for what a stack cannot do to an existing resource.</summary>
    private static void AddCommands(JsonObject outputs, string prefix, IEnumerable<string> items, Func<string, (string Description, string Command)> command)
    {
        var index = 0;
        foreach (var item in items)
        {
            var (description, text) = command(item);
            outputs[$"{prefix}{++index}"] = Output(description, new JsonObject { ["Fn::Sub"] = text });
        }
    }

    private static JsonObject Resource(string type, JsonObject properties) => new() { ["Type"] = type, ["Properties"] = properties };

    private static JsonObject Output(string description, JsonNode value) => new() { ["Description"] = description, ["Value"] = value };

    private static JsonObject Ref(string logicalId) => new() { ["Ref"] = logicalId };

    private static JsonNode Policy(PolicyDocument document) => JsonNode.Parse(document.ToJson())!;
}

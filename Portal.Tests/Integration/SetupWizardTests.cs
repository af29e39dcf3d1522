using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.Integration;

/// <summary>The whole wizard against moto: every step applied, read back with the <c>aws</c> CLI, then applied again.</summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupWizardTests(MotoServerFixture moto, ITestOutputHelper output) : IDisposable
{
    private readonly ServiceProvider _services = SetupServices.For(moto, typeof(LogBucketStep), typeof(BastionRoleStep), typeof(PreferencesStep), typeof(NotificationsStep), typeof(EndUserPolicyStep), typeof(BoundaryStep), typeof(DigestKeyStep));

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Apply_SetsUpEverything_AndASecondApplyChangesNothing()
    {
        var settings = await SettingsAsync();
        var engine = _services.GetRequiredService<ISetupEngine>();

        var plan = await engine.PlanAsync(settings);
        var clock = Stopwatch.StartNew();
        var first = await engine.ApplyAsync(settings);
        var applied = clock.Elapsed;
        clock.Restart();
        var second = await engine.ApplyAsync(settings);
        var unchanged = clock.Elapsed;
        output.WriteLine($"apply {applied.TotalSeconds:F2} s, no-change apply {unchanged.TotalSeconds:F2} s");

        // Every document a command names is in the plan (the exported script writes it first).
        Assert.All(plan.Steps, step => Assert.All(
            step.Changes.SelectMany(c => System.Text.RegularExpressions.Regex.Matches(c.CliCommand, @"file://([\w.-]+)").Select(m => m.Groups[1].Value)),
            file => Assert.True(step.Documents.ContainsKey(file), $"{step.Name} names {file} without it")));
        Assert.Contains("bucket-encryption.json", plan.Steps[0].Documents.Keys);
        Assert.Contains("lifecycle.json", plan.Steps[0].Documents.Keys);
        Assert.True(first.Succeeded, string.Join("; ", first.Steps.Select(s => $"{s.Name} {s.Outcome} {s.Message}")));
        Assert.Equal(["logBucket", "bastionRole", "preferences", "notifications", "endUserPolicy", "boundary", "digestKey"], first.Steps.Select(s => s.Name));
        Assert.All(second.Steps, s => Assert.Equal(StepOutcome.Unchanged, s.Outcome));

        var versioning = await CliAsync("s3api", "get-bucket-versioning", "--bucket", settings.BucketName);
        Assert.Equal("Enabled", versioning.GetProperty("Status").GetString()); // the default: the portal reads each transcript's first version

        var topicArn = $"arn:aws:sns:{MotoServerFixture.Region}:{first.AccountId}:{settings.TopicName}";
        var topic = (await CliAsync("sns", "get-topic-attributes", "--topic-arn", topicArn)).GetProperty("Attributes");
        Assert.Equal(settings.TopicDisplayName, topic.GetProperty("DisplayName").GetString());
        var publish = JsonDocument.Parse(topic.GetProperty("Policy").GetString()!).RootElement.GetProperty("Statement").EnumerateArray()
            .Single(s => s.GetProperty("Sid").GetString() == SetupDocuments.EventBridgePublishSid);
        Assert.Equal("events.amazonaws.com", publish.GetProperty("Principal").GetProperty("Service")[0].GetString());
        var subscription = (await CliAsync("sns", "list-subscriptions-by-topic", "--topic-arn", topicArn)).GetProperty("Subscriptions")[0];
        Assert.Equal(("email", "ops@example.com"), (subscription.GetProperty("Protocol").GetString(), subscription.GetProperty("Endpoint").GetString()));
        var rule = await CliAsync("events", "describe-rule", "--name", settings.RuleName);
        Assert.Equal("ENABLED", rule.GetProperty("State").GetString());
        Assert.Contains("StartSession", rule.GetProperty("EventPattern").GetString(), StringComparison.Ordinal);
        var target = (await CliAsync("events", "list-targets-by-rule", "--rule", settings.RuleName)).GetProperty("Targets")[0];
        Assert.Equal(topicArn, target.GetProperty("Arn").GetString());
        Assert.StartsWith("<who> started session <session> on <target>", target.GetProperty("InputTransformer").GetProperty("InputTemplate").GetString(), StringComparison.Ordinal);
        Assert.Contains(settings.BastionInstanceIds[0], rule.GetProperty("EventPattern").GetString(), StringComparison.Ordinal);
        var denied = await CliAsync("events", "describe-rule", "--name", settings.RuleName + "-denied");
        Assert.Contains("\"errorCode\"", denied.GetProperty("EventPattern").GetString(), StringComparison.Ordinal);
        var trails = (await CliAsync("cloudtrail", "describe-trails")).GetProperty("trailList").EnumerateArray().Select(t => t.GetProperty("Name").GetString()!).ToList();
        var logging = new List<bool>();
        foreach (var name in trails)
        {
            logging.Add((await CliAsync("cloudtrail", "get-trail-status", "--name", name)).GetProperty("IsLogging").GetBoolean());
        }

        Assert.Contains(true, logging); // the wizard's trail, or one another test left logging

        var endUser = (await CliAsync("iam", "get-policy", "--policy-arn", $"arn:aws:iam::{first.AccountId}:policy/{settings.EndUserPolicyName}")).GetProperty("Policy");
        Assert.Equal("v1", endUser.GetProperty("DefaultVersionId").GetString());
        var preferences = await CliAsync("ssm", "get-document", "--name", SessionPreferences.DocumentName);
        Assert.Contains(settings.BucketName, preferences.GetProperty("Content").GetString(), StringComparison.Ordinal);

        var key = (await CliAsync("kms", "describe-key", "--key-id", settings.DigestKeyAlias)).GetProperty("KeyMetadata");
        Assert.Equal(("RSA_3072", "SIGN_VERIFY", "Enabled"), (key.GetProperty("KeySpec").GetString(), key.GetProperty("KeyUsage").GetString(), key.GetProperty("KeyState").GetString()));
        var signerOnly = await SignerOnlyStatementAsync(key.GetProperty("KeyId").GetString()!);
        var caller = (await CliAsync("sts", "get-caller-identity")).GetProperty("Arn").GetString();
        Assert.Equal(("Deny", "kms:Sign"), (signerOnly.GetProperty("Effect").GetString(), signerOnly.GetProperty("Action")[0].GetString()));
        Assert.Equal(caller, signerOnly.GetProperty("Condition").GetProperty("ArnNotLike").GetProperty("aws:PrincipalArn")[0].GetString());
    }

    [Fact]
    public async Task DigestKey_AdoptsAnRsaSigningKey_KeepingItsPolicy_AndRefusesASymmetricOne()
    {
        var settings = await SettingsAsync();
        var engine = _services.GetRequiredService<ISetupEngine>();
        var existing = (await CliAsync("kms", "create-key", "--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        await CliAsync("kms", "create-alias", "--alias-name", settings.DigestKeyAlias, "--target-key-id", existing);
        var symmetric = (await CliAsync("kms", "create-key")).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var wrongAlias = $"alias/symmetric-{_suffix}";
        await CliAsync("kms", "create-alias", "--alias-name", wrongAlias, "--target-key-id", symmetric);

        var plan = (await engine.PlanAsync(settings)).Steps.Single(s => s.Name == "digestKey");
        var applied = (await engine.ApplyAsync(settings)).Steps.Single(s => s.Name == "digestKey");
        var policy = JsonDocument.Parse((await CliAsync("kms", "get-key-policy", "--key-id", existing, "--policy-name", "default")).GetProperty("Policy").GetString()!).RootElement;
        var refused = (await engine.PlanAsync(settings with { DigestKeyAlias = wrongAlias })).Steps.Single(s => s.Name == "digestKey");

        Assert.Contains(plan.Changes, c => c.CliCommand.StartsWith("aws kms put-key-policy --key-id arn:aws:kms:", StringComparison.Ordinal));
        Assert.Equal(StepOutcome.Updated, applied.Outcome);
        Assert.True(policy.GetProperty("Statement").GetArrayLength() >= 2); // KMS's default statement kept, the wizard's added
        Assert.Contains(policy.GetProperty("Statement").EnumerateArray(), s => s.TryGetProperty("Sid", out var sid) && sid.GetString() == SetupDocuments.DigestSignerOnlySid);
        Assert.Equal("UnusableKey", refused.ErrorCode);
        Assert.Contains("SIGN_VERIFY", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Boundary_IsPutOnTheChosenUsers_ReplacingAnother_AndAnUnknownUserIsNamed()
    {
        using var services = SetupServices.For(moto, typeof(BoundaryStep));
        var engine = services.GetRequiredService<ISetupEngine>();
        var (plain, bounded) = ($"ops-plain-{_suffix}", $"ops-other-{_suffix}");
        await CliAsync("iam", "create-user", "--user-name", plain);
        await CliAsync("iam", "create-user", "--user-name", bounded, "--path", "/bastion-users/");
        var other = (await CliAsync("iam", "create-policy", "--policy-name", $"Other-{_suffix}", "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""))
            .GetProperty("Policy").GetProperty("Arn").GetString()!;
        await CliAsync("iam", "put-user-permissions-boundary", "--user-name", bounded, "--permissions-boundary", other);
        var settings = (await SettingsAsync()) with { BastionUsers = [plain, bounded] };

        var plan = (await engine.PlanAsync(settings)).Steps.Single();
        var applied = (await engine.ApplyAsync(settings)).Steps.Single();
        var after = (await engine.PlanAsync(settings)).Steps.Single();
        var unknown = (await engine.PlanAsync(settings with { BastionUsers = [plain, $"nobody-{_suffix}"] })).Steps.Single();

        var arn = $"arn:aws:iam::123456789012:policy/{settings.BoundaryPolicyName}";
        Assert.Equal(
            [$"Create the policy {settings.BoundaryPolicyName}.", $"Replace {bounded}'s permissions boundary with {settings.BoundaryPolicyName}.", $"Set {settings.BoundaryPolicyName} as {plain}'s permissions boundary."],
            plan.Changes.Select(c => c.Description.English)); // users in name order
        Assert.Equal($"aws iam put-user-permissions-boundary --user-name {plain} --permissions-boundary {arn}", plan.Changes[2].CliCommand);
        Assert.Equal(StepOutcome.Created, applied.Outcome);
        Assert.Empty(after.Changes);
        foreach (var user in new[] { plain, bounded })
        {
            Assert.Equal(arn, (await CliAsync("iam", "get-user", "--user-name", user)).GetProperty("User").GetProperty("PermissionsBoundary").GetProperty("PermissionsBoundaryArn").GetString());
        }

        var document = (await CliAsync("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")).GetProperty("PolicyVersion").GetProperty("Document").GetRawText();
        Assert.Contains(settings.BastionInstanceIds[0], document, StringComparison.Ordinal);
        Assert.Equal("NoSuchEntity", unknown.ErrorCode);
        Assert.Contains($"nobody-{_suffix}", unknown.Message, StringComparison.Ordinal);
    }

    private async Task<SetupSettings> SettingsAsync()
    {
        var instance = await SetupServices.RunInstanceAsync(_services);
        return new SetupSettings
        {
            BastionInstanceIds = [instance],
            BucketName = $"wizard-logs-{_suffix}",
            TopicName = $"bastion-logins-{_suffix}",
            NotificationEmails = ["ops@example.com"],
            RoleName = $"bastion-{_suffix}",
            InstanceProfileName = $"bastion-{_suffix}",
            LoggingPolicyName = $"session-logging-{_suffix}",
            EndUserPolicyName = $"bastion-users-{_suffix}",
            BoundaryPolicyName = $"bastion-boundary-{_suffix}",
            RuleName = $"session-logins-{_suffix}",
            CreateTrailIfMissing = true,
            TrailName = $"management-{_suffix}",
            RetentionDays = 365,
            DigestKeyAlias = $"alias/digests-{_suffix}",
        };
    }

    private async Task<JsonElement> SignerOnlyStatementAsync(string keyId)
    {
        var policy = JsonDocument.Parse((await CliAsync("kms", "get-key-policy", "--key-id", keyId, "--policy-name", "default")).GetProperty("Policy").GetString()!).RootElement;
        return policy.GetProperty("Statement").EnumerateArray().Single(s => s.TryGetProperty("Sid", out var sid) && sid.GetString() == SetupDocuments.DigestSignerOnlySid).Clone();
    }

    private Task<JsonElement> CliAsync(params string[] args) => AwsCli.RunAsync(moto.Endpoint, args);
}

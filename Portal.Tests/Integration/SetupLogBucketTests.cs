using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The wizard's log-bucket step against moto, each result read back with the <c>aws</c> CLI.</summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupLogBucketTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = SetupServices.For(moto, typeof(LogBucketStep));

    private readonly string _bucket = $"session-logs-{Guid.NewGuid():N}"[..30];

    private ISetupEngine Engine => _services.GetRequiredService<ISetupEngine>();

    private SetupSettings Settings => new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = _bucket,
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
        Versioning = true,
        RetentionDays = 30,
    };

    [Fact]
    public async Task Apply_OnAnEmptyAccount_CreatesTheBucketAsChosen_AndAgainChangesNothing()
    {
        var first = await Engine.ApplyAsync(Settings);
        var second = await Engine.ApplyAsync(Settings);
        var verify = await Engine.PlanAsync(Settings);

        var step = Assert.Single(first.Steps);
        Assert.Equal(("logBucket", StepOutcome.Created), (step.Name, step.Outcome));
        Assert.Equal(6, step.Done.Count);
        var japanese = CultureInfo.GetCultureInfo("ja");
        Assert.StartsWith($"バケット {_bucket} を ", step.Done[0].ToString(japanese), StringComparison.Ordinal);
        Assert.All(step.Done, done => Assert.NotEqual(done.English, done.ToString(japanese))); // every line said in Japanese too
        var encryption = await CliAsync("get-bucket-encryption");
        Assert.Equal("AES256", encryption.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        var block = (await CliAsync("get-public-access-block")).GetProperty("PublicAccessBlockConfiguration");
        Assert.All(new[] { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" }, p => Assert.True(block.GetProperty(p).GetBoolean()));
        var statement = Assert.Single(Policy(await CliAsync("get-bucket-policy")));
        Assert.Equal(SetupDocuments.DenyInsecureTransportSid, statement.GetProperty("Sid").GetString());
        Assert.Equal("Deny", statement.GetProperty("Effect").GetString());
        Assert.Equal("Enabled", (await CliAsync("get-bucket-versioning")).GetProperty("Status").GetString());
        var rule = (await CliAsync("get-bucket-lifecycle-configuration")).GetProperty("Rules")[0];
        Assert.Equal(LogBucketStep.RetentionRuleId, rule.GetProperty("ID").GetString());
        Assert.Equal(30, rule.GetProperty("Expiration").GetProperty("Days").GetInt32());
        Assert.Empty(second.Steps[0].Done);
        Assert.Equal(StepOutcome.Unchanged, Assert.Single(second.Steps).Outcome);
        Assert.Empty(second.Steps[0].Done);
        Assert.True(verify.IsComplete);
    }

    [Fact]
    public async Task Apply_OnAnExistingBucketWithoutAPolicy_AdoptsIt()
    {
        await CreateBucketAsync();

        var plan = await Engine.PlanAsync(Settings with { Versioning = false, RetentionDays = null });
        var result = await Engine.ApplyAsync(Settings with { Versioning = false, RetentionDays = null });

        var step = Assert.Single(plan.Steps);
        Assert.Null(step.ErrorCode);
        Assert.Contains(step.Current, line => line.English.Contains("no bucket policy", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(step.Changes, c => c.CliCommand == $"aws s3api put-bucket-policy --bucket {_bucket} --policy file://bucket-policy.json");
        Assert.Equal(StepOutcome.Updated, Assert.Single(result.Steps).Outcome);
        Assert.Equal([SetupDocuments.DenyInsecureTransportSid], Policy(await CliAsync("get-bucket-policy")).Select(s => s.GetProperty("Sid").GetString()));
    }

    [Fact]
    public async Task Apply_OnABucketOfAnotherAccount_FailsWithACode_AndALaterApplyWithAnotherNameCompletes()
    {
        var theirs = await AwsCli.AssumeRoleAsync(moto.Endpoint, "arn:aws:iam::111111111111:role/other-team");
        await AwsCli.RunAsAsync(moto.Endpoint, theirs, "s3api", "create-bucket", "--bucket", _bucket, "--create-bucket-configuration", $"LocationConstraint={MotoServerFixture.Region}");

        var failed = await Engine.ApplyAsync(Settings);
        var renamed = await Engine.ApplyAsync(Settings with { BucketName = $"{_bucket}-2" });

        var step = Assert.Single(failed.Steps);
        Assert.Equal((StepOutcome.Failed, "BucketOwnedByAnotherAccount"), (step.Outcome, step.ErrorCode));
        Assert.Contains("choose another", step.Message, StringComparison.Ordinal);
        Assert.Empty(step.Done);
        Assert.True(renamed.Succeeded);
        await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsAsync(moto.Endpoint, theirs, "s3api", "get-bucket-policy", "--bucket", _bucket)); // theirs untouched
    }

    [Fact]
    public async Task Apply_OnABucketWithItsOwnPolicy_AddsTheTlsStatementAndKeepsTheirs()
    {
        var s3 = await CreateBucketAsync();
        await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = _bucket,
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::{{_bucket}}"}]}""",
        });

        var plan = await Engine.PlanAsync(Settings with { Versioning = false, RetentionDays = null });
        var result = await Engine.ApplyAsync(Settings with { Versioning = false, RetentionDays = null });

        var step = Assert.Single(plan.Steps);
        Assert.Contains(step.Current, line => line.English.Contains("without the wizard's statements", StringComparison.Ordinal));
        Assert.Equal(3, step.Changes.Count); // encryption, public access block, policy
        Assert.Contains(step.Changes, c => c.CliCommand == $"aws s3api put-bucket-policy --bucket {_bucket} --policy file://bucket-policy.json");
        Assert.Contains("\"Theirs\"", step.Documents["bucket-policy.json"], StringComparison.Ordinal);
        Assert.Equal(StepOutcome.Updated, Assert.Single(result.Steps).Outcome);
        Assert.Equal(["Theirs", SetupDocuments.DenyInsecureTransportSid], Policy(await CliAsync("get-bucket-policy")).Select(s => s.GetProperty("Sid").GetString()));
    }

    [Fact]
    public async Task Plan_AfterSomeoneRemovesThePublicAccessBlock_ReportsTheDrift()
    {
        var settings = Settings with { Versioning = false, RetentionDays = null };
        await Engine.ApplyAsync(settings);
        await AwsCli.RunAsync(moto.Endpoint, "s3api", "delete-public-access-block", "--bucket", _bucket);

        var verify = await Engine.PlanAsync(settings);

        Assert.False(verify.IsComplete);
        var change = Assert.Single(Assert.Single(verify.Steps).Changes);
        Assert.StartsWith("Block all public access", change.Description.English, StringComparison.Ordinal);
        Assert.Contains("No public access block.", verify.Steps[0].Current.Select(c => c.English));
    }

    public void Dispose() => _services.Dispose();

    private Task<JsonElement> CliAsync(string command) => AwsCli.RunAsync(moto.Endpoint, "s3api", command, "--bucket", _bucket);

    /// <summary>The bucket made by someone else first, without any of the wizard's settings.</summary>
    private async Task<IAmazonS3> CreateBucketAsync()
    {
        var s3 = _services.GetRequiredService<IAmazonS3>();
        await s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = _bucket,
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(MotoServerFixture.Region) },
        });
        return s3;
    }

    private static List<JsonElement> Policy(JsonElement response) =>
        [.. JsonDocument.Parse(response.GetProperty("Policy").GetString()!).RootElement.GetProperty("Statement").EnumerateArray()];
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.Integration;

/// <summary>
/// The exported script, run with the real <c>aws</c> CLI on a fresh account (a moto of its own), does what the plan
/// said: planned again afterwards, every step is unchanged.
/// </summary>
public sealed class SetupScriptTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private ServiceProvider _services = default!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _services = SetupServices.For(_moto, typeof(LogBucketStep), typeof(BastionRoleStep), typeof(PreferencesStep), typeof(NotificationsStep), typeof(EndUserPolicyStep), typeof(BoundaryStep), typeof(DigestKeyStep));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task ExportedScript_RunWithTheAwsCli_LeavesNothingForThePlanToChange()
    {
        var engine = _services.GetRequiredService<ISetupEngine>();
        await AwsCli.RunAsync(_moto.Endpoint, "iam", "create-user", "--user-name", "ops-anna");
        await AwsCli.RunAsync(_moto.Endpoint, "iam", "create-user", "--user-name", "ops-ben", "--path", "/bastion-users/");
        var settings = new SetupSettings
        {
            BastionInstanceIds = [await SetupServices.RunInstanceAsync(_services)],
            BastionUsers = ["ops-anna", "ops-ben"],
            BucketName = "script-session-logs",
            TopicName = "bastion-logins",
            NotificationEmails = ["ops@example.com"],
            CreateTrailIfMissing = true,
            RetentionDays = 365,
            TopicDisplayName = "Bastion logins (it's \"ours\")",
            NoticeLanguage = NoticeLanguage.Both, // Japanese through the CLI's file:// documents: the plan after compares it byte for byte
        };
        var plan = await engine.PlanAsync(settings);
        var folder = Directory.CreateTempSubdirectory("setup-script-");
        try
        {
            var script = Path.Combine(folder.FullName, "setup.sh");
            await File.WriteAllTextAsync(script, SetupExport.ToShellScript(plan, DateTimeOffset.UtcNow));

            var (exitCode, log) = await RunAsync(script);
            output.WriteLine(log);
            var after = await engine.PlanAsync(settings);

            Assert.True(exitCode == 0, log);
            Assert.All(plan.Steps, step => Assert.NotEmpty(step.Changes)); // a fresh account: every step had work
            Assert.All(after.Steps, step => Assert.True(step.ErrorCode is null && step.Changes.Count == 0, $"{step.Name}: {step.ErrorCode} {string.Join("; ", step.Changes.Select(c => c.Description))}"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task WizardsTrail_WhoseSelectorsLeaveOutWrites_IsSetBackToLogThem()
    {
        using var services = SetupServices.For(_moto, typeof(LogBucketStep), typeof(NotificationsStep));
        var engine = services.GetRequiredService<ISetupEngine>();
        var settings = new SetupSettings
        {
            BastionInstanceIds = ["i-0123456789abcdef0"],
            BucketName = "selector-session-logs",
            TopicName = "bastion-logins",
            NotificationEmails = ["ops@example.com"],
            CreateTrailIfMissing = true,
        };
        Assert.True((await engine.ApplyAsync(settings)).Succeeded);
        await AwsCli.RunAsync(_moto.Endpoint, "cloudtrail", "put-event-selectors", "--trail-name", settings.TrailName, "--event-selectors", """[{"ReadWriteType":"ReadOnly","IncludeManagementEvents":true}]""");

        var narrowed = (await engine.PlanAsync(settings)).Steps.Single(s => s.Name == "notifications");
        var repaired = (await engine.ApplyAsync(settings)).Steps.Single(s => s.Name == "notifications");
        var after = (await engine.PlanAsync(settings)).Steps.Single(s => s.Name == "notifications");

        Assert.Equal(["Log every management event on the trail portal-management-events again (its event selectors leave Session Manager's writes out)."], narrowed.Changes.Select(c => c.Description.English));
        Assert.Equal(StepOutcome.Updated, repaired.Outcome);
        Assert.Empty(after.Changes);
    }

    [Theory]
    [InlineData("ap-northeast-1", false)]
    [InlineData("us-east-1", true)]
    public async Task CloudFormationTemplate_PassesCfnLint_AgainstAwsResourceSchemas(string region, bool kms)
    {
        // moto's stacks ignore public access blocks, versioning, lifecycle rules and a role's ManagedPolicyArns, and
        // store an SSM document's content so that DescribeDocument fails: a plan against a moto stack cannot show the
        // template complete. cfn-lint (in the image with moto) checks every resource and property against the
        // CloudFormation resource schemas of the region instead; SetupCloudFormationTests deploys it on moto.
        var settings = new SetupSettings
        {
            BastionInstanceIds = ["i-0123456789abcdef0"],
            BucketName = "lint-session-logs",
            BastionUsers = ["ops-anna"],
            TopicName = "bastion-logins",
            NotificationEmails = ["ops@example.com"],
            CreateTrailIfMissing = true,
            RetentionDays = 365,
            Encryption = kms ? BucketEncryption.SseKms : BucketEncryption.SseS3,
            KmsKeyArn = kms ? "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" : null,
        };
        var template = Path.Combine(Path.GetTempPath(), $"setup-{Guid.NewGuid():N}.template.json");
        await File.WriteAllTextAsync(template, SetupCloudFormation.ToTemplate(new SetupDocuments(settings, region, "123456789012") { PortalPrincipalArn = "arn:aws:sts::123456789012:assumed-role/portal/i-0abc" }));
        try
        {
            var start = new ProcessStartInfo("cfn-lint") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--regions", region, "--format", "parseable", "--", template })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var findings = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            output.WriteLine(findings + errors);

            Assert.True(process.ExitCode == 0, findings + errors); // cfn-lint exits non-zero on any error or warning
        }
        finally
        {
            File.Delete(template);
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(string script) => AwsScripts.RunAsync(_moto.Endpoint, script);
}

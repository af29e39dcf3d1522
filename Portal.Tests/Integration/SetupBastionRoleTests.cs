using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws.Iam;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The wizard's bastion-role step against moto (AWS managed policies loaded), read back with the <c>aws</c> CLI.</summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupBastionRoleTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = SetupServices.For(moto, typeof(BastionRoleStep));

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private ISetupEngine Engine => _services.GetRequiredService<ISetupEngine>();

    [Fact]
    public async Task Apply_CreatesRolePoliciesProfileAndAssociation_AndAgainChangesNothing()
    {
        var settings = await SettingsAsync();

        var first = await Engine.ApplyAsync(settings);
        var second = await Engine.ApplyAsync(settings);

        var step = Assert.Single(first.Steps);
        Assert.Equal(StepOutcome.Created, step.Outcome);
        Assert.Equal(7, step.Done.Count); // role, policy, two attachments, profile, role in profile, association
        var role = (await CliAsync("iam", "get-role", "--role-name", settings.RoleName)).GetProperty("Role");
        var trusted = role.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service");
        Assert.Equal(["ec2.amazonaws.com"], trusted.EnumerateArray().Select(s => s.GetString())); // not ssm.amazonaws.com: no service or hybrid activation may use it
        var attached = (await CliAsync("iam", "list-attached-role-policies", "--role-name", settings.RoleName)).GetProperty("AttachedPolicies");
        Assert.Equal(
            [BastionRoleStep.CorePolicyName, settings.LoggingPolicyName],
            attached.EnumerateArray().Select(p => p.GetProperty("PolicyName").GetString()).Order(StringComparer.Ordinal));
        var arn = $"arn:aws:iam::{first.AccountId}:policy/{settings.LoggingPolicyName}";
        var document = (await CliAsync("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")).GetProperty("PolicyVersion").GetProperty("Document");
        var put = document.GetProperty("Statement")[0];
        Assert.Equal($"arn:aws:s3:::{settings.BucketName}/sessionmanager/*", put.GetProperty("Resource")[0].GetString());
        Assert.DoesNotContain("s3:GetObject", document.GetRawText(), StringComparison.Ordinal);
        var profile = (await CliAsync("iam", "get-instance-profile", "--instance-profile-name", settings.InstanceProfileName)).GetProperty("InstanceProfile");
        Assert.Equal(settings.RoleName, profile.GetProperty("Roles")[0].GetProperty("RoleName").GetString());
        var association = (await CliAsync("ec2", "describe-iam-instance-profile-associations", "--filters", $"Name=instance-id,Values={settings.BastionInstanceIds[0]}"))
            .GetProperty("IamInstanceProfileAssociations")[0];
        Assert.EndsWith($"/{settings.InstanceProfileName}", association.GetProperty("IamInstanceProfile").GetProperty("Arn").GetString(), StringComparison.Ordinal);
        Assert.Equal(StepOutcome.Unchanged, Assert.Single(second.Steps).Outcome);
    }

    [Fact]
    public async Task Apply_OnABastionWithAnotherProfile_RefusesUntilConfirmed()
    {
        var settings = await SettingsAsync();
        var iam = _services.GetRequiredService<IIamClient>();
        var other = $"other-profile-{_suffix}";
        await iam.CreateInstanceProfileAsync(other);
        await _services.GetRequiredService<IAmazonEC2>().AssociateIamInstanceProfileAsync(new AssociateIamInstanceProfileRequest
        {
            InstanceId = settings.BastionInstanceIds[0],
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = other },
        });

        var refused = await Engine.ApplyAsync(settings);
        var roleAfterRefusal = await iam.GetRoleAsync(settings.RoleName);
        var confirmed = await Engine.ApplyAsync(settings with { ReplaceExistingInstanceProfile = true });

        var step = Assert.Single(refused.Steps);
        Assert.Equal((StepOutcome.Failed, "BastionHasAnotherInstanceProfile"), (step.Outcome, step.ErrorCode));
        Assert.Empty(step.Done);
        Assert.Null(roleAfterRefusal); // nothing was half-done
        Assert.Equal(StepOutcome.Created, Assert.Single(confirmed.Steps).Outcome);
        var association = (await CliAsync("ec2", "describe-iam-instance-profile-associations", "--filters", $"Name=instance-id,Values={settings.BastionInstanceIds[0]}"))
            .GetProperty("IamInstanceProfileAssociations").EnumerateArray().Single(a => a.GetProperty("State").GetString() == "associated");
        Assert.EndsWith($"/{settings.InstanceProfileName}", association.GetProperty("IamInstanceProfile").GetProperty("Arn").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AfterTheLoggingPolicyWasEditedElsewhere_MakesTheChosenDocumentTheDefaultAgain()
    {
        var settings = await SettingsAsync();
        await Engine.ApplyAsync(settings);
        var arn = $"arn:aws:iam::{(await Engine.PlanAsync(settings)).AccountId}:policy/{settings.LoggingPolicyName}";
        await _services.GetRequiredService<IIamClient>().CreatePolicyVersionAsync(arn, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""", setAsDefault: true);

        var drift = await Engine.PlanAsync(settings);
        var mended = await Engine.ApplyAsync(settings);

        Assert.Contains(Assert.Single(drift.Steps).Changes, c => c.CliCommand.StartsWith("aws iam create-policy-version", StringComparison.Ordinal));
        Assert.Equal(StepOutcome.Updated, Assert.Single(mended.Steps).Outcome);
        var policy = (await CliAsync("iam", "get-policy", "--policy-arn", arn)).GetProperty("Policy");
        Assert.Equal("v3", policy.GetProperty("DefaultVersionId").GetString());
        Assert.True((await Engine.PlanAsync(settings)).IsComplete);
    }

    public void Dispose() => _services.Dispose();

    private async Task<SetupSettings> SettingsAsync()
    {
        var instance = await SetupServices.RunInstanceAsync(_services);
        return new SetupSettings
        {
            BastionInstanceIds = [instance],
            BucketName = $"logs-{_suffix}",
            TopicName = "bastion-logins",
            NotificationEmails = ["ops@example.com"],
            RoleName = $"bastion-{_suffix}",
            InstanceProfileName = $"bastion-{_suffix}",
            LoggingPolicyName = $"session-logging-{_suffix}",
        };
    }

    private Task<JsonElement> CliAsync(params string[] args) => AwsCli.RunAsync(moto.Endpoint, args);
}

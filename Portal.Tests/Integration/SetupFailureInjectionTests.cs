using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Aws.Protocols;
using Portal.Core.Aws.Signing;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// Failures injected mid-way through a wizard apply against moto: each stops at its step with the AWS code and what
/// was done, and a later apply completes from where it stopped.
/// </summary>
[Collection(SetupMotoGroup.Name)]
public sealed class SetupFailureInjectionTests(MotoServerFixture moto) : IDisposable
{
    private static readonly Type[] Steps = [typeof(LogBucketStep), typeof(BastionRoleStep), typeof(EndUserPolicyStep)];

    private readonly ThrottlingHandler _throttle = new("CreateRole");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider? _services;

    [Fact]
    public async Task Apply_WhenTheProfileNameHoldsAnotherRole_StopsThere_AndAfterTheFixCompletes()
    {
        var engine = Engine();
        var settings = await SettingsAsync();
        await CliAsync("iam", "create-role", "--role-name", $"someone-else-{_suffix}", "--assume-role-policy-document", SetupDocuments.BastionTrustPolicy.ToJson());
        await CliAsync("iam", "create-instance-profile", "--instance-profile-name", settings.InstanceProfileName);
        await CliAsync("iam", "add-role-to-instance-profile", "--instance-profile-name", settings.InstanceProfileName, "--role-name", $"someone-else-{_suffix}");

        var failed = await engine.ApplyAsync(settings);
        await CliAsync("iam", "remove-role-from-instance-profile", "--instance-profile-name", settings.InstanceProfileName, "--role-name", $"someone-else-{_suffix}");
        var resumed = await engine.ApplyAsync(settings);

        Assert.Equal([StepOutcome.Created, StepOutcome.Failed, StepOutcome.Skipped], failed.Steps.Select(s => s.Outcome));
        var role = failed.Steps[1];
        Assert.Equal("InstanceProfileHoldsAnotherRole", role.ErrorCode);
        Assert.Contains($"someone-else-{_suffix}", role.Message, StringComparison.Ordinal);
        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Steps.Select(s => $"{s.Name} {s.Outcome} {s.Message}")));
        Assert.Equal(StepOutcome.Unchanged, resumed.Steps[0].Outcome);
        Assert.Equal(StepOutcome.Created, resumed.Steps[2].Outcome);
        var profile = (await CliAsync("iam", "get-instance-profile", "--instance-profile-name", settings.InstanceProfileName)).GetProperty("InstanceProfile");
        Assert.Equal(settings.RoleName, profile.GetProperty("Roles")[0].GetProperty("RoleName").GetString());
    }

    [Fact]
    public async Task Apply_WhenIamThrottlesPastTheRetries_StopsWithThrottling_AndALaterApplyCompletes()
    {
        var engine = Engine();
        var settings = await SettingsAsync();
        _throttle.On = true;

        var failed = await engine.ApplyAsync(settings);
        _throttle.On = false;
        var resumed = await engine.ApplyAsync(settings);

        Assert.Equal([StepOutcome.Created, StepOutcome.Failed, StepOutcome.Skipped], failed.Steps.Select(s => s.Outcome));
        Assert.Equal("Throttling", failed.Steps[1].ErrorCode);
        Assert.Equal(AwsRequestSender.MaxAttempts, _throttle.Refused); // retried with backoff before giving up
        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Steps.Select(s => $"{s.Name} {s.Outcome} {s.Message}")));
        Assert.Equal([StepOutcome.Unchanged, StepOutcome.Created, StepOutcome.Created], resumed.Steps.Select(s => s.Outcome));
        Assert.Equal(settings.RoleName, (await CliAsync("iam", "get-role", "--role-name", settings.RoleName)).GetProperty("Role").GetProperty("RoleName").GetString());
    }

    public void Dispose()
    {
        _services?.Dispose();
        _throttle.Dispose();
    }

    /// <summary>The engine over moto, the portal's own AWS clients (IAM among them) sending through the throttling handler.</summary>
    private ISetupEngine Engine()
    {
        _services = SetupServices.For(
            moto,
            services => services.AddSingleton(sp => new AwsRequestSender(
                new HttpClient(_throttle, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) },
                sp.GetRequiredService<IAwsCredentialSource>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<AwsRequestSender>>())),
            Steps);
        return _services.GetRequiredService<ISetupEngine>();
    }

    private async Task<SetupSettings> SettingsAsync() => new()
    {
        BastionInstanceIds = [await SetupServices.RunInstanceAsync(_services!)],
        BucketName = $"inject-logs-{_suffix}",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
        RoleName = $"inject-bastion-{_suffix}",
        InstanceProfileName = $"inject-bastion-{_suffix}",
        LoggingPolicyName = $"inject-logging-{_suffix}",
        EndUserPolicyName = $"inject-users-{_suffix}",
    };

    private Task<System.Text.Json.JsonElement> CliAsync(params string[] args) => AwsCli.RunAsync(moto.Endpoint, args);

    /// <summary>Answers one Query action with Throttling, as IAM does under load, while switched on.</summary>
    private sealed class ThrottlingHandler(string action) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool On { get; set; }

        public int Refused { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            if (On && body.Contains($"Action={action}&", StringComparison.Ordinal))
            {
                Refused++;
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>injected</RequestId></ErrorResponse>",
                        System.Text.Encoding.UTF8,
                        "text/xml"),
                };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}

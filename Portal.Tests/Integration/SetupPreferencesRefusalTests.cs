using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// UpdateDocument's refusals, which moto never gives: the SDK's requests go to a moto of its own, but UpdateDocument
/// answers as SSM does when the content is a duplicate or the document has 1,000 versions.
/// </summary>
public sealed class SetupPreferencesRefusalTests : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private string? _refusal;
    private ServiceProvider _services = default!;

    private static readonly SetupSettings Settings = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = "refusal-session-logs",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
    };

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _services = SetupServices.For(
            _moto,
            services => services.AddSingleton<IAmazonSimpleSystemsManagement>(new AmazonSimpleSystemsManagementClient(
                new BasicAWSCredentials("testing", "testing"),
                new AmazonSimpleSystemsManagementConfig
                {
                    ServiceURL = _moto.Endpoint.ToString(),
                    AuthenticationRegion = MotoServerFixture.Region,
                    MaxErrorRetry = 0,
                    HttpClientFactory = new Refusing(() => _refusal),
                })),
            typeof(PreferencesStep));

        // Someone else's preferences, so that apply updates the document.
        await AwsCli.RunAsync(_moto.Endpoint, "ssm", "create-document", "--name", SessionPreferences.DocumentName, "--document-type", "Session", "--content",
            """{"schemaVersion":"1.0","description":"theirs","sessionType":"Standard_Stream","inputs":{"s3BucketName":"","idleSessionTimeout":"20"}}""");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Apply_WhenSsmCallsTheContentADuplicateOfAnotherVersion_FailsSayingWhichToMakeTheDefault()
    {
        _refusal = "DuplicateDocumentContent";

        var step = Assert.Single((await _services.GetRequiredService<ISetupEngine>().ApplyAsync(Settings)).Steps);

        Assert.Equal((StepOutcome.Failed, "DuplicateDocumentContent"), (step.Outcome, step.ErrorCode));
        Assert.Contains("update-document-default-version", step.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WhenTheDocumentHasAThousandVersions_FailsSayingHowToMakeRoom()
    {
        _refusal = "DocumentVersionLimitExceeded";

        var step = Assert.Single((await _services.GetRequiredService<ISetupEngine>().ApplyAsync(Settings)).Steps);

        Assert.Equal((StepOutcome.Failed, "DocumentVersionLimitExceeded"), (step.Outcome, step.ErrorCode));
        Assert.Contains("aws ssm delete-document --name SSM-SessionManagerRunShell --document-version", step.Message, StringComparison.Ordinal);
    }

    /// <summary>Passes every request to moto but UpdateDocument, which it refuses with the given SSM error.</summary>
    private sealed class Refusing(Func<string?> refusal) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(refusal) { InnerHandler = new HttpClientHandler() });

        private sealed class Handler(Func<string?> refusal) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                request.Headers.TryGetValues("X-Amz-Target", out var target) && target.Single() == "AmazonSSM.UpdateDocument" && refusal() is { } code
                    ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
                    {
                        Content = new StringContent($$"""{"__type":"{{code}}","Message":"Refused as SSM would."}""", System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
                    })
                    : base.SendAsync(request, cancellationToken);
        }
    }
}

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Aws;
using Portal.Core.Aws.Protocols;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Aws;

public sealed class AwsRequestSenderTests
{
    private static readonly AwsServiceEndpoint Endpoint = new("iam", new Uri("https://iam.example.test/"), "us-east-1");

    [Fact]
    public async Task SendAsync_WhenThrottledThenOk_RetriesAndReturnsBody()
    {
        var handler = new ScriptedHandler(
            Respond(HttpStatusCode.BadRequest, ErrorXml("Throttling", "Rate exceeded")),
            Respond(HttpStatusCode.ServiceUnavailable, ErrorXml("ServiceUnavailable", "Try again")),
            Respond(HttpStatusCode.OK, "<ok/>"));
        var (sender, time) = Create(handler);

        var body = await RunAdvancingAsync(time, sender.SendAsync(Endpoint, "ListUsers", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default));

        Assert.Equal("<ok/>", body);
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_WhenClientError_ThrowsTypedExceptionWithoutRetry()
    {
        var handler = new ScriptedHandler(Respond(HttpStatusCode.Conflict, ErrorXml("EntityAlreadyExists", "User alice already exists.", "req-123")));
        var (sender, _) = Create(handler);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => sender.SendAsync(Endpoint, "CreateUser", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default));

        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal("req-123", error.RequestId);
        Assert.Equal("CreateUser", error.Operation);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_WhenAlwaysThrottled_GivesUpAfterMaxAttempts()
    {
        var handler = new ScriptedHandler(Enumerable.Range(0, 10).Select(_ => Respond(HttpStatusCode.BadRequest, ErrorXml("Throttling", "Rate exceeded"))).ToArray());
        var (sender, time) = Create(handler);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => RunAdvancingAsync(time, sender.SendAsync(Endpoint, "ListUsers", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default)));

        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(AwsRequestSender.MaxAttempts, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_SignsEveryAttempt()
    {
        var handler = new ScriptedHandler(Respond(HttpStatusCode.OK, "<ok/>"));
        var (sender, _) = Create(handler);

        await sender.SendAsync(Endpoint, "ListUsers", "Action=ListUsers"u8.ToArray(), "application/x-www-form-urlencoded", new Dictionary<string, string>(), AwsQueryClient.ParseError, default);

        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/", handler.LastAuthorization, StringComparison.Ordinal);
        Assert.Contains("/us-east-1/iam/aws4_request", handler.LastAuthorization, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(3, 400)]
    [InlineData(20, 5000)]
    public void Backoff_StaysWithinCappedExponentialStep(int attempt, double ceilingMs)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = AwsRequestSender.Backoff(attempt).TotalMilliseconds;
            Assert.InRange(delay, 0, ceilingMs);
        }
    }

    [Fact]
    public void ParseError_Json_TakesTheNameAfterTheHash()
    {
        var (code, message, _) = AwsJsonClient.ParseError(HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.events#ResourceNotFoundException","message":"Rule x does not exist."}""");

        Assert.Equal("ResourceNotFoundException", code);
        Assert.Equal("Rule x does not exist.", message);
    }

    [Fact]
    public void ParseError_NotXml_FallsBackToStatus()
    {
        var (code, _, _) = AwsQueryClient.ParseError(HttpStatusCode.BadGateway, "<html>proxy error");

        Assert.Equal("Http502", code);
    }

    private static (AwsRequestSender Sender, FakeTimeProvider Time) Create(ScriptedHandler handler)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
        return (new AwsRequestSender(new HttpClient(handler), new StaticCredentialSource(), time, NullLogger<AwsRequestSender>.Instance), time);
    }

    /// <summary>Moves the fake clock until the call finishes, so backoff waits take no real time.</summary>
    private static async Task<T> RunAdvancingAsync<T>(FakeTimeProvider time, Task<T> call)
    {
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        return await call;
    }

    private static string ErrorXml(string code, string message, string requestId = "rid") =>
        $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>";

    private static Func<HttpResponseMessage> Respond(HttpStatusCode status, string body) =>
        () => new HttpResponseMessage(status) { Content = new StringContent(body) };


    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public string LastAuthorization { get; private set; } = string.Empty;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastAuthorization = request.Headers.Authorization?.ToString() ?? string.Empty;
            return Task.FromResult(responses[Calls++]());
        }
    }
}

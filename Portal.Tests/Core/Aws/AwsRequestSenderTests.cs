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

    private static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

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

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "Throttled")] // SNS
    [InlineData(HttpStatusCode.BadRequest, "RequestTimeout")]
    [InlineData(HttpStatusCode.BadRequest, "PriorRequestNotComplete")]
    public async Task SendAsync_RetriesWhatTheSdksRetry(HttpStatusCode status, string code)
    {
        var handler = new ScriptedHandler(Respond(status, ErrorXml(code, "Try again")), Respond(HttpStatusCode.OK, "<ok/>"));
        var (sender, time) = Create(handler);

        var body = await RunAdvancingAsync(time, sender.SendAsync(Endpoint, "Publish", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default));

        Assert.Equal(("<ok/>", 2), (body, handler.Calls));
    }

    [Fact]
    public async Task SendAsync_WhenAwsSaysTheClockIsOff_SignsAgainAtAwsTime_AndKeepsDoingSo()
    {
        var time = new FakeTimeProvider(Start);
        var aws = Start.AddMinutes(17);
        var handler = new ScriptedHandler(
            Respond(HttpStatusCode.Forbidden, ErrorXml("SignatureDoesNotMatch", "Signature expired: 20261127T000000Z is now earlier than 20261127T001200Z"), aws),
            Respond(HttpStatusCode.OK, "<ok/>", aws),
            Respond(HttpStatusCode.OK, "<ok/>", aws));
        var (sender, _) = Create(handler, time);

        await sender.SendAsync(Endpoint, "ListUsers", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default);
        await sender.SendAsync(Endpoint, "ListUsers", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default);

        Assert.Equal(3, handler.Calls); // no backoff wait: the fake clock never moved
        Assert.Equal(["20261127T000000Z", "20261127T001700Z", "20261127T001700Z"], handler.Dates);
        Assert.Equal(TimeSpan.FromMinutes(17), sender.ClockOffset);
    }

    [Fact]
    public async Task SendAsync_WhenTheSignatureIsWrongButTheClockRight_FailsWithoutRetry()
    {
        var handler = new ScriptedHandler(Respond(HttpStatusCode.Forbidden, ErrorXml("SignatureDoesNotMatch", "The request signature we calculated does not match"), Start.AddSeconds(30)));
        var (sender, _) = Create(handler);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => sender.SendAsync(Endpoint, "ListUsers", [], "text/plain", new Dictionary<string, string>(), AwsQueryClient.ParseError, default));

        Assert.Equal(("SignatureDoesNotMatch", 1), (error.ErrorCode, handler.Calls));
        Assert.Equal(TimeSpan.Zero, sender.ClockOffset);
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

    private static (AwsRequestSender Sender, FakeTimeProvider Time) Create(ScriptedHandler handler, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(Start);
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

    private static Func<HttpResponseMessage> Respond(HttpStatusCode status, string body, DateTimeOffset? date = null) =>
        () =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            response.Headers.Date = date;
            return response;
        };


    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public string LastAuthorization { get; private set; } = string.Empty;

        /// <summary>Each request's X-Amz-Date: the time it was signed at.</summary>
        public List<string> Dates { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastAuthorization = request.Headers.Authorization?.ToString() ?? string.Empty;
            Dates.Add(request.Headers.TryGetValues("X-Amz-Date", out var dates) ? dates.Single() : string.Empty);
            return Task.FromResult(responses[Calls++]());
        }
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Access;

/// <summary>
/// Ending live sessions through the SDK against a scripted Systems Manager endpoint (moto implements neither
/// DescribeSessions nor TerminateSession): every page is read, only the owner's active sessions on the bastion are
/// asked for, each is terminated, and a failure keeps its code.
/// </summary>
public sealed class LiveSessionsTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Target, JsonElement Body)> _calls = [];
    private readonly Uri _endpoint = new($"http://127.0.0.1:{FreePort.Next()}/");

    public LiveSessionsTests()
    {
        _listener.Prefixes.Add(_endpoint.ToString());
        _listener.Start();
    }

    [Fact]
    public async Task EndAsync_ReadsEveryPage_AndTerminatesEachActiveSession()
    {
        var serving = ServeAsync(
            ("DescribeSessions", HttpStatusCode.OK, """{"Sessions":[{"SessionId":"dave-0a1"}],"NextToken":"page-2"}"""),
            ("DescribeSessions", HttpStatusCode.OK, """{"Sessions":[{"SessionId":"dave-0b2"}]}"""),
            ("TerminateSession", HttpStatusCode.OK, """{"SessionId":"dave-0a1"}"""),
            ("TerminateSession", HttpStatusCode.OK, """{"SessionId":"dave-0b2"}"""));

        var ended = await Sessions().EndAsync("i-0123456789abcdef0", ["arn:aws:iam::123456789012:user/dave"]);
        await serving;

        Assert.Equal(["dave-0a1", "dave-0b2"], ended);
        var first = _calls[0].Body;
        Assert.Equal("Active", first.GetProperty("State").GetString());
        Assert.Equal(
            [("Target", "i-0123456789abcdef0"), ("Owner", "arn:aws:iam::123456789012:user/dave")],
            first.GetProperty("Filters").EnumerateArray().Select(f => (f.GetProperty("key").GetString(), f.GetProperty("value").GetString())));
        Assert.Equal("page-2", _calls[1].Body.GetProperty("NextToken").GetString());
        Assert.Equal(["TerminateSession", "TerminateSession"], _calls.Skip(2).Select(c => c.Target));
        Assert.Equal("dave-0b2", _calls[3].Body.GetProperty("SessionId").GetString());
    }

    [Fact]
    public async Task EndAsync_WhenRefused_ThrowsWithTheCode()
    {
        var serving = ServeAsync(("DescribeSessions", HttpStatusCode.BadRequest, """{"__type":"AccessDeniedException","message":"no"}"""));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Sessions().EndAsync("i-0123456789abcdef0", ["arn:aws:iam::123456789012:user/dave"]));
        await serving;

        Assert.Equal(("ssm", "DescribeSessions", "AccessDeniedException"), (error.Service, error.Operation, error.ErrorCode));
    }

    public void Dispose() => _listener.Close();

    private LiveSessions Sessions() => new(new AmazonSimpleSystemsManagementClient(
        new BasicAWSCredentials("testing", "testing"),
        new AmazonSimpleSystemsManagementConfig { ServiceURL = _endpoint.ToString(), AuthenticationRegion = "ap-northeast-1", MaxErrorRetry = 0 }));

    /// <summary>Answers each call in turn with the scripted status and JSON, recording the operation and body.</summary>
    private async Task ServeAsync(params (string Operation, HttpStatusCode Status, string Json)[] script)
    {
        foreach (var (operation, status, json) in script)
        {
            var context = await _listener.GetContextAsync();
            var target = context.Request.Headers["X-Amz-Target"]?.Split('.')[^1] ?? string.Empty;
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            _calls.Add((target, JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone()));
            Assert.Equal(operation, target);
            var body = Encoding.UTF8.GetBytes(json);
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}

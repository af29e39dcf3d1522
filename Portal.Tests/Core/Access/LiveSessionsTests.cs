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
/// The live-session client's paging and error paths against a scripted Systems Manager endpoint (the happy paths run
/// over the wire against the sandbox's session API in AccessGrantTests): every page is read, only active sessions on
/// the bastion are asked for (owners are compared in the portal, so no Owner filter), and a failure keeps its code.
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
    public async Task ListActiveAsync_ReadsEveryPage_FilteringByTargetOnly()
    {
        var serving = ServeAsync(
            ("DescribeSessions", HttpStatusCode.OK, """{"Sessions":[{"SessionId":"dave-0a1","Owner":"arn:aws:iam::123456789012:user/ops/dave","Target":"i-0123456789abcdef0","Status":"Connected","StartDate":1796100000}],"NextToken":"page-2"}"""),
            ("DescribeSessions", HttpStatusCode.OK, """{"Sessions":[{"SessionId":"erin-0b2","Owner":"arn:aws:iam::123456789012:user/erin","Target":"i-0123456789abcdef0","Status":"Disconnected"}]}"""));

        var live = await Sessions().ListActiveAsync("i-0123456789abcdef0");
        await serving;

        Assert.Equal(["dave-0a1", "erin-0b2"], live.Select(s => s.SessionId));
        Assert.Equal(("arn:aws:iam::123456789012:user/ops/dave", "Connected"), (live[0].Owner, live[0].Status));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796100000), live[0].StartedAt);
        var first = _calls[0].Body;
        Assert.Equal("Active", first.GetProperty("State").GetString());
        Assert.Equal(
            [("Target", "i-0123456789abcdef0")],
            first.GetProperty("Filters").EnumerateArray().Select(f => (f.GetProperty("key").GetString(), f.GetProperty("value").GetString())));
        Assert.Equal("page-2", _calls[1].Body.GetProperty("NextToken").GetString());
    }

    [Fact]
    public async Task ListActiveAsync_WhenRefused_ThrowsWithTheCode()
    {
        var serving = ServeAsync(("DescribeSessions", HttpStatusCode.BadRequest, """{"__type":"AccessDeniedException","message":"no"}"""));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Sessions().ListActiveAsync("i-0123456789abcdef0"));
        await serving;

        Assert.Equal(("ssm", "DescribeSessions", "AccessDeniedException"), (error.Service, error.Operation, error.ErrorCode));
    }

    [Fact]
    public async Task TerminateAsync_WhenTheServiceFails_ThrowsWithTheCode()
    {
        var serving = ServeAsync(("TerminateSession", HttpStatusCode.BadRequest, """{"__type":"InternalServerError","message":"try again"}"""));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Sessions().TerminateAsync("dave-0a1"));
        await serving;

        Assert.Equal(("ssm", "TerminateSession", "InternalServerError"), (error.Service, error.Operation, error.ErrorCode));
        Assert.Equal("dave-0a1", _calls[0].Body.GetProperty("SessionId").GetString());
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

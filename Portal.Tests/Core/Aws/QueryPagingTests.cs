using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Aws.Protocols;
using Portal.Core.Aws.Sns;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Aws;

/// <summary>Paging loops, with scripted responses: moto does not page these lists, real AWS does.</summary>
public sealed class QueryPagingTests
{
    [Fact]
    public async Task ListUsersAsync_WhenTruncated_FollowsMarkerToTheEnd()
    {
        var handler = new RecordingHandler(
            "<ListUsersResponse><ListUsersResult><IsTruncated>true</IsTruncated><Marker>page-2</Marker><Users>" + User("alice") + User("bob") + "</Users></ListUsersResult></ListUsersResponse>",
            "<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated><Users>" + User("carol") + "</Users></ListUsersResult></ListUsersResponse>");
        var iam = new IamClient(Query(handler), Options.Create(new PortalAwsOptions()));

        var users = await iam.ListUsersAsync();

        Assert.Equal(["alice", "bob", "carol"], users.Select(u => u.UserName));
        Assert.DoesNotContain("Marker=", handler.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("Marker=page-2", handler.Bodies[1], StringComparison.Ordinal);
        Assert.Equal("https://iam.amazonaws.com/", handler.Uris[0]);
    }

    [Fact]
    public async Task ListTopicsAsync_WithNextToken_FollowsIt()
    {
        var handler = new RecordingHandler(
            "<ListTopicsResponse><ListTopicsResult><Topics><member><TopicArn>arn:1</TopicArn></member></Topics><NextToken>t2</NextToken></ListTopicsResult></ListTopicsResponse>",
            "<ListTopicsResponse><ListTopicsResult><Topics><member><TopicArn>arn:2</TopicArn></member></Topics></ListTopicsResult></ListTopicsResponse>");
        var sns = new SnsClient(Query(handler), Options.Create(new PortalAwsOptions { Region = "eu-west-1" }));

        var topics = await sns.ListTopicsAsync();

        Assert.Equal(["arn:1", "arn:2"], topics);
        Assert.Contains("NextToken=t2", handler.Bodies[1], StringComparison.Ordinal);
        Assert.Equal("https://sns.eu-west-1.amazonaws.com/", handler.Uris[0]);
    }

    [Fact]
    public void DecodeDocument_UrlEncodedPolicy_IsDecoded_PlainJsonIsKept()
    {
        Assert.Equal("{\"a\":\"50%\"}", IamClient.DecodeDocument("%7B%22a%22%3A%2250%25%22%7D"));
        Assert.Equal("{\"a\":\"50%\"}", IamClient.DecodeDocument("{\"a\":\"50%\"}"));
    }

    private static string User(string name) =>
        $"<member><UserName>{name}</UserName><UserId>ID{name}</UserId><Arn>arn:aws:iam::123456789012:user/{name}</Arn><Path>/</Path></member>";

    private static AwsQueryClient Query(HttpMessageHandler handler) =>
        new(new AwsRequestSender(new HttpClient(handler), new StaticCredentialSource(), TimeProvider.System, NullLogger<AwsRequestSender>.Instance));


    private sealed class RecordingHandler(params string[] responses) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        public List<string> Uris { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            Uris.Add(request.RequestUri!.ToString());
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(responses[Bodies.Count - 1]) };
        }
    }
}

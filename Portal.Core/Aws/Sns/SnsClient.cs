using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Portal.Core.Aws.Protocols;

namespace Portal.Core.Aws.Sns;

/// <summary>SNS over the Query protocol, API version 2010-03-31.</summary>
internal sealed class SnsClient(AwsQueryClient query, IOptions<PortalAwsOptions> options) : ISnsClient
{
    private const string Version = "2010-03-31";

    private readonly AwsServiceEndpoint _endpoint = AwsServiceEndpoint.For("sns", options.Value);

    public async Task<string> CreateTopicAsync(string name, IEnumerable<KeyValuePair<string, string>>? attributes = null, CancellationToken cancellationToken = default) =>
        (await CallAsync("CreateTopic", new QueryParameters().Add("Name", name).AddMap("Attributes", attributes), cancellationToken)).Required("TopicArn");

    public async Task<IReadOnlyList<string>> ListTopicsAsync(CancellationToken cancellationToken = default)
    {
        var topics = new List<string>();
        string? next = null;
        do
        {
            var result = await CallAsync("ListTopics", new QueryParameters().Add("NextToken", next), cancellationToken);
            topics.AddRange(result.Members("Topics").Select(t => t.Required("TopicArn")));
            next = result.Child("NextToken");
        }
        while (!string.IsNullOrEmpty(next));

        return topics;
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await CallAsync("GetTopicAttributes", new QueryParameters().Add("TopicArn", topicArn), cancellationToken);
            return result.Find("Attributes")?.Elements()
                .Where(e => e.Name.LocalName == "entry")
                .ToDictionary(e => e.Required("key"), e => e.Child("value") ?? string.Empty, StringComparer.Ordinal)
                ?? [];
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "NotFound")
        {
            return null;
        }
    }

    public Task SetTopicAttributesAsync(string topicArn, string attributeName, string attributeValue, CancellationToken cancellationToken = default) =>
        CallAsync("SetTopicAttributes", new QueryParameters().Add("TopicArn", topicArn).Add("AttributeName", attributeName).Add("AttributeValue", attributeValue), cancellationToken);

    public async Task<string> SubscribeAsync(string topicArn, string protocol, string endpoint, CancellationToken cancellationToken = default) =>
        (await CallAsync("Subscribe", new QueryParameters().Add("TopicArn", topicArn).Add("Protocol", protocol).Add("Endpoint", endpoint), cancellationToken)).Required("SubscriptionArn");

    public async Task<IReadOnlyList<SnsSubscription>> ListSubscriptionsByTopicAsync(string topicArn, CancellationToken cancellationToken = default)
    {
        var subscriptions = new List<SnsSubscription>();
        string? next = null;
        do
        {
            var result = await CallAsync("ListSubscriptionsByTopic", new QueryParameters().Add("TopicArn", topicArn).Add("NextToken", next), cancellationToken);
            subscriptions.AddRange(result.Members("Subscriptions").Select(s => new SnsSubscription(
                s.Required("SubscriptionArn"), s.Required("Protocol"), s.Child("Endpoint") ?? string.Empty, s.Child("TopicArn") ?? topicArn)));
            next = result.Child("NextToken");
        }
        while (!string.IsNullOrEmpty(next));

        return subscriptions;
    }

    public async Task<string> PublishAsync(string topicArn, string message, string? subject = null, CancellationToken cancellationToken = default) =>
        await PublishAsync(topicArn, message, subject, null, cancellationToken);

    public async Task<string> PublishAsync(string topicArn, string message, string? subject, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("TopicArn", topicArn).Add("Message", message).Add("Subject", subject);
        var n = 0;
        foreach (var (name, value) in attributes ?? new Dictionary<string, string>())
        {
            n++;
            parameters.Add($"MessageAttributes.entry.{n}.Name", name)
                .Add($"MessageAttributes.entry.{n}.Value.DataType", "String")
                .Add($"MessageAttributes.entry.{n}.Value.StringValue", value);
        }

        return (await CallAsync("Publish", parameters, cancellationToken)).Required("MessageId");
    }

    private Task<XElement> CallAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        query.CallAsync(_endpoint, Version, action, parameters, cancellationToken);
}

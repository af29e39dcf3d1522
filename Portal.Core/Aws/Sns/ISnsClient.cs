namespace Portal.Core.Aws.Sns;

/// <summary>
/// The SNS operations the portal uses, over the Query protocol; shaped after AWSSDK.SimpleNotificationService's
/// <c>IAmazonSimpleNotificationService</c>. Failures throw <see cref="AwsApiException"/>.
/// </summary>
public interface ISnsClient
{
    /// <summary>CreateTopic; idempotent for the same name and attributes. Returns the topic ARN.</summary>
    /// <exception cref="AwsApiException">SNS refused the call.</exception>
    Task<string> CreateTopicAsync(string name, IEnumerable<KeyValuePair<string, string>>? attributes = null, CancellationToken cancellationToken = default);

    /// <summary>ListTopics, every page: the topic ARNs.</summary>
    Task<IReadOnlyList<string>> ListTopicsAsync(CancellationToken cancellationToken = default);

    /// <summary>GetTopicAttributes, or <see langword="null"/> when the topic does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken = default);

    /// <summary>SetTopicAttributes for one attribute (Policy, DisplayName...).</summary>
    Task SetTopicAttributesAsync(string topicArn, string attributeName, string attributeValue, CancellationToken cancellationToken = default);

    /// <summary>Subscribe; returns the subscription ARN or <c>pending confirmation</c>.</summary>
    Task<string> SubscribeAsync(string topicArn, string protocol, string endpoint, CancellationToken cancellationToken = default);

    /// <summary>ListSubscriptionsByTopic, every page.</summary>
    Task<IReadOnlyList<SnsSubscription>> ListSubscriptionsByTopicAsync(string topicArn, CancellationToken cancellationToken = default);

    /// <summary>Publish; returns the message id.</summary>
    Task<string> PublishAsync(string topicArn, string message, string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>Publish with string message attributes (subscription filter policies route on them); returns the message id.</summary>
    Task<string> PublishAsync(string topicArn, string message, string? subject, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken = default);
}

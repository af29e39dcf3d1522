namespace Portal.Core.Aws.Sns;

/// <summary>A subscription to a topic. <see cref="SubscriptionArn"/> is <c>PendingConfirmation</c> until the endpoint confirms.</summary>
public sealed record SnsSubscription(string SubscriptionArn, string Protocol, string Endpoint, string TopicArn)
{
    /// <summary>True until the recipient follows the confirmation link.</summary>
    public bool IsPendingConfirmation => !SubscriptionArn.StartsWith("arn:", StringComparison.Ordinal);
}

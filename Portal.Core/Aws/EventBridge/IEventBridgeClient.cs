namespace Portal.Core.Aws.EventBridge;

/// <summary>
/// The EventBridge operations the portal uses, over JSON 1.1; shaped after AWSSDK.EventBridge's
/// <c>IAmazonEventBridge</c>. Failures throw <see cref="AwsApiException"/>.
/// </summary>
public interface IEventBridgeClient
{
    /// <summary>PutRule: creates or updates a rule with an event pattern; returns its ARN.</summary>
    /// <exception cref="AwsApiException">EventBridge refused the call.</exception>
    Task<string> PutRuleAsync(string name, string eventPattern, string? description = null, bool enabled = true, CancellationToken cancellationToken = default);

    /// <summary>DescribeRule, or <see langword="null"/> when there is no such rule.</summary>
    Task<EventRule?> DescribeRuleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>PutTargets; a target that EventBridge refused throws with its error code.</summary>
    Task PutTargetsAsync(string rule, IEnumerable<EventTarget> targets, CancellationToken cancellationToken = default);

    /// <summary>ListTargetsByRule, every page.</summary>
    Task<IReadOnlyList<EventTarget>> ListTargetsByRuleAsync(string rule, CancellationToken cancellationToken = default);
}

namespace Portal.Core.Aws.EventBridge;

/// <summary>A rule target, optionally with an input transformer that shapes the delivered text.</summary>
public sealed record EventTarget(string Id, string Arn, EventInputTransformer? InputTransformer = null);

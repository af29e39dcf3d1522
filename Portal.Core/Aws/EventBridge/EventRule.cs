namespace Portal.Core.Aws.EventBridge;

/// <summary>An EventBridge rule on the default event bus.</summary>
public sealed record EventRule(string Name, string Arn, string? EventPattern, string State, string? Description);

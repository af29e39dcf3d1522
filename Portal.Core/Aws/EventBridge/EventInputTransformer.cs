namespace Portal.Core.Aws.EventBridge;

/// <summary>An input transformer: JSON paths taken from the event, and the template they fill.</summary>
public sealed record EventInputTransformer(IReadOnlyDictionary<string, string> InputPathsMap, string InputTemplate);

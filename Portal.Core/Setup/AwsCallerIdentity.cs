namespace Portal.Core.Setup;

/// <summary>Who the portal is in AWS: STS GetCallerIdentity, plus the region and endpoint in use.</summary>
public sealed record AwsCallerIdentity(string Account, string Arn, string UserId, string Region, string? Endpoint);

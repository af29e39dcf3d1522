namespace Portal.Core.Aws.CloudTrail;

/// <summary>A CloudTrail trail as DescribeTrails shows it.</summary>
public sealed record CloudTrailTrail(string Name, string TrailArn, string HomeRegion, string? S3BucketName, bool IsMultiRegionTrail);

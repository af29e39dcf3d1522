namespace Portal.Core.Setup;

/// <summary>An EC2 instance as the setup and access pages show it.</summary>
public sealed record Ec2InstanceSummary(string InstanceId, string? Name, string State, string Platform, string? InstanceType, string? InstanceProfileArn, DateTimeOffset? LaunchTime);

namespace Portal.Core.Aws;

/// <summary>The ARN partition of a region.</summary>
public static class AwsPartition
{
    /// <summary><c>aws-cn</c> for China, <c>aws-us-gov</c> for GovCloud, else <c>aws</c>.</summary>
    public static string Of(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
            : "aws";
    }
}

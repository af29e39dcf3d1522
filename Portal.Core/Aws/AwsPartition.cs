namespace Portal.Core.Aws;

/// <summary>
/// The partitions the portal runs in (aws, aws-cn, aws-us-gov): ARN partition, DNS suffix and where IAM, a global
/// service, is called and signed. The isolated partitions are refused at startup (<see cref="PortalAwsOptions.Region"/>).
/// </summary>
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

    /// <summary>The domain a region's endpoints are under: <c>amazonaws.com.cn</c> in China, else <c>amazonaws.com</c>.</summary>
    public static string DnsSuffix(string region) => Of(region) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";

    /// <summary>IAM's endpoint and signing region in the region's partition (IAM is global within a partition).</summary>
    public static (Uri Endpoint, string SigningRegion) Iam(string region) => Of(region) switch
    {
        "aws-cn" => (new Uri("https://iam.cn-north-1.amazonaws.com.cn/"), "cn-north-1"),
        "aws-us-gov" => (new Uri("https://iam.us-gov.amazonaws.com/"), "us-gov-west-1"),
        _ => (new Uri("https://iam.amazonaws.com/"), "us-east-1"),
    };
}

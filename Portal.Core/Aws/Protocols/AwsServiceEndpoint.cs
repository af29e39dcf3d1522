namespace Portal.Core.Aws.Protocols;

/// <summary>Where one service is called and how its requests are signed.</summary>
/// <param name="Service">The SigV4 signing name, for example <c>iam</c> or <c>events</c>.</param>
/// <param name="Endpoint">The endpoint URL.</param>
/// <param name="SigningRegion">The region in the credential scope.</param>
internal sealed record AwsServiceEndpoint(string Service, Uri Endpoint, string SigningRegion)
{
    /// <summary>
    /// The public endpoint of a service in the configured region's partition, or the configured <c>ServiceUrl</c>. IAM is
    /// global within a partition: us-east-1 in aws, cn-north-1 in aws-cn, us-gov-west-1 in aws-us-gov.
    /// </summary>
    public static AwsServiceEndpoint For(string service, PortalAwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var custom = options.EffectiveServiceUrl;
        if (service == "iam")
        {
            var (endpoint, signingRegion) = AwsPartition.Iam(options.Region);
            return new AwsServiceEndpoint(service, custom ?? endpoint, signingRegion);
        }

        return new AwsServiceEndpoint(service, custom ?? new Uri($"https://{service}.{options.Region}.{AwsPartition.DnsSuffix(options.Region)}/"), options.Region);
    }
}

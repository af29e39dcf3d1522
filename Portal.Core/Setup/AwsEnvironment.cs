using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Setup;

internal sealed class AwsEnvironment(IAmazonSecurityTokenService sts, IAmazonEC2 ec2, IOptions<PortalAwsOptions> options) : IAwsEnvironment
{
    public async Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
            return new AwsCallerIdentity(identity.Account, identity.Arn, identity.UserId, options.Value.Region, options.Value.EffectiveServiceUrl?.ToString());
        }
        catch (AmazonServiceException ex)
        {
            throw AwsApiException.FromSdk("sts", "GetCallerIdentity", ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException)
        {
            throw new AwsApiException("sts", "GetCallerIdentity", "NetworkError", ex.Message, innerException: ex);
        }
    }

    public async Task<IReadOnlyList<Ec2InstanceSummary>> ListInstancesAsync(CancellationToken cancellationToken = default)
    {
        var instances = new List<Ec2InstanceSummary>();
        var request = new DescribeInstancesRequest
        {
            Filters = [new Filter("instance-state-name", ["pending", "running", "stopping", "stopped"])],
        };
        try
        {
            do
            {
                var page = await ec2.DescribeInstancesAsync(request, cancellationToken);
                instances.AddRange((page.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(i => new Ec2InstanceSummary(
                    i.InstanceId,
                    i.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value,
                    i.State?.Name?.Value ?? "unknown",
                    i.PlatformDetails ?? i.Platform?.Value ?? "Linux/UNIX",
                    i.InstanceType?.Value,
                    i.IamInstanceProfile?.Arn,
                    i.LaunchTime is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null)));
                request.NextToken = page.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken));
        }
        catch (AmazonServiceException ex)
        {
            throw AwsApiException.FromSdk("ec2", "DescribeInstances", ex);
        }

        return [.. instances.OrderBy(i => i.Name ?? "~", StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)];
    }
}

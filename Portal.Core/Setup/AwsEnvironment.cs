using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Setup;

internal sealed class AwsEnvironment(IAmazonSecurityTokenService sts, IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, IOptions<PortalAwsOptions> options) : IAwsEnvironment
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
            throw AwsApiException.FromClient("sts", "GetCallerIdentity", ex);
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
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException)
        {
            throw AwsApiException.FromClient("ec2", "DescribeInstances", ex);
        }

        return [.. instances.OrderBy(i => i.Name ?? "~", StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)];
    }

    public async Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default)
    {
        GetDocumentResponse document;
        try
        {
            document = await ssm.GetDocumentAsync(new GetDocumentRequest { Name = SessionPreferences.DocumentName, DocumentFormat = DocumentFormat.JSON }, cancellationToken);
        }
        catch (InvalidDocumentException)
        {
            return null;
        }
        catch (AmazonServiceException ex)
        {
            throw AwsApiException.FromSdk("ssm", "GetDocument", ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException)
        {
            throw AwsApiException.FromClient("ssm", "GetDocument", ex);
        }

        return ParsePreferences(document.DocumentVersion ?? "1", document.Content);
    }

    /// <summary>Reads the inputs the agent uses; a boolean may be written as a JSON boolean or as "true".</summary>
    internal static SessionPreferences ParsePreferences(string version, string? content)
    {
        using var json = JsonDocument.Parse(string.IsNullOrWhiteSpace(content) ? "{}" : content);
        var inputs = json.RootElement.TryGetProperty("inputs", out var i) && i.ValueKind == JsonValueKind.Object ? i : default;
        string? Text(string name) =>
            inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? value.ToString() is { Length: > 0 } text ? text : null
                : null;
        bool Flag(string name) =>
            inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(name, out var value)
            && (value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

        return new SessionPreferences(version, Text("s3BucketName"), Text("s3KeyPrefix"), Flag("s3EncryptionEnabled"), Text("cloudWatchLogGroupName"), Text("idleSessionTimeout"), Text("maxSessionDuration"));
    }
}

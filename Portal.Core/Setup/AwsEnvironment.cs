using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Setup;

internal sealed class AwsEnvironment(IAmazonSecurityTokenService sts, IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, Aws.Iam.IIamClient iam, IOptions<PortalAwsOptions> options) : IAwsEnvironment
{
    public async Task<IReadOnlyList<string>> ListUserNamesAsync(CancellationToken cancellationToken = default) =>
        [.. (await iam.ListUsersAsync(cancellationToken)).Select(u => u.UserName).Order(StringComparer.Ordinal)];

    public Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync("sts", "GetCallerIdentity", async () =>
        {
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
            return new AwsCallerIdentity(identity.Account, identity.Arn, identity.UserId, options.Value.Region, options.Value.EffectiveServiceUrl?.ToString());
        });

    public Task<IReadOnlyList<Ec2InstanceSummary>> ListInstancesAsync(CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync<IReadOnlyList<Ec2InstanceSummary>>("ec2", "DescribeInstances", async () =>
        {
            var instances = new List<Ec2InstanceSummary>();
            var request = new DescribeInstancesRequest
            {
                Filters = [new Filter("instance-state-name", ["pending", "running", "stopping", "stopped"])],
            };
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

            return [.. instances.OrderBy(i => i.Name ?? "~", StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)];
        });

    public Task<IReadOnlyDictionary<string, string>> GetAgentStatusAsync(CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync<IReadOnlyDictionary<string, string>>("ssm", "DescribeInstanceInformation", async () =>
        {
            var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
            var request = new DescribeInstanceInformationRequest { MaxResults = 50 };
            do
            {
                var page = await ssm.DescribeInstanceInformationAsync(request, cancellationToken);
                foreach (var instance in page.InstanceInformationList ?? [])
                {
                    statuses[instance.InstanceId] = instance.PingStatus?.Value ?? "Unknown";
                }

                request.NextToken = page.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken));

            return statuses;
        });

    public Task<SessionPreferences?> GetSessionPreferencesAsync(CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync("ssm", "GetDocument", async () =>
        {
            try
            {
                var document = await ssm.GetDocumentAsync(new GetDocumentRequest { Name = SessionPreferences.DocumentName, DocumentFormat = DocumentFormat.JSON }, cancellationToken);
                return ParsePreferences(document.DocumentVersion ?? "1", document.Content);
            }
            catch (InvalidDocumentException)
            {
                return (SessionPreferences?)null;
            }
        });

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

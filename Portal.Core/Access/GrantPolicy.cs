using System.Globalization;
using Portal.Core.Setup;

namespace Portal.Core.Access;

/// <summary>
/// The inline policy a grant is: sessions on one bastion through the preferences document only, and resuming and
/// ending one's own sessions, each valid only between the grant's start and expiry (<c>aws:CurrentTime</c>), so
/// access ends on time even when the portal is down.
/// </summary>
public static class GrantPolicy
{
    /// <summary>The prefix of every grant policy's name; the reconciler looks for it.</summary>
    public const string NamePrefix = "portal-grant-";

    /// <summary>The policy's name for a grant.</summary>
    public static string NameOf(long grantId) => NamePrefix + grantId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The grant id in a policy name, or <see langword="null"/> when it is not a grant policy.</summary>
    public static long? IdOf(string policyName) =>
        policyName.StartsWith(NamePrefix, StringComparison.Ordinal)
        && long.TryParse(policyName.AsSpan(NamePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>The document for a grant on <paramref name="instanceId"/> in the given account and region.</summary>
    public static PolicyDocument For(string partition, string region, string accountId, string instanceId, DateTimeOffset startsAt, DateTimeOffset expiresAt)
    {
        var window = new Dictionary<string, IReadOnlyDictionary<string, object>>
        {
            ["DateGreaterThan"] = new Dictionary<string, object> { ["aws:CurrentTime"] = Stamp(startsAt) },
            ["DateLessThan"] = new Dictionary<string, object> { ["aws:CurrentTime"] = Stamp(expiresAt) },
        };
        var onlyThePreferences = new Dictionary<string, IReadOnlyDictionary<string, object>>(window)
        {
            ["BoolIfExists"] = new Dictionary<string, object> { ["ssm:SessionDocumentAccessCheck"] = "true" },
        };
        return new PolicyDocument(
        [
            new PolicyStatement(
                "StartSessionOnBastion",
                "Allow",
                ["ssm:StartSession"],
                [$"arn:{partition}:ec2:{region}:{accountId}:instance/{instanceId}", $"arn:{partition}:ssm:{region}:{accountId}:document/{SessionPreferences.DocumentName}"])
            {
                Condition = onlyThePreferences,
            },
            new PolicyStatement("ResumeOwnSessions", "Allow", ["ssm:ResumeSession"], [$"arn:{partition}:ssm:*:*:session/${{aws:username}}-*"]) { Condition = window },
            new PolicyStatement("EndOwnSessions", "Allow", ["ssm:TerminateSession"], [$"arn:{partition}:ssm:*:*:session/${{aws:username}}-*"]),
            new PolicyStatement("SessionReads", "Allow", ["ssm:DescribeSessions", "ssm:GetConnectionStatus", "ssm:DescribeInstanceProperties", "ec2:DescribeInstances"], ["*"]) { Condition = window },
        ]);
    }

    /// <summary>The command that opens a session under the grant.</summary>
    public static string ConnectCommand(string instanceId, string region) =>
        $"aws ssm start-session --target {instanceId} --document-name {SessionPreferences.DocumentName} --region {region}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

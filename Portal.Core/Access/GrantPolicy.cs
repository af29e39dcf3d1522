using System.Globalization;
using Portal.Core.Setup;

namespace Portal.Core.Access;

/// <summary>
/// The inline policy a grant is: starting sessions on one bastion through the preferences document only and resuming
/// one's own, valid only between the grant's start and expiry (<c>aws:CurrentTime</c>), so access ends on time even
/// when the portal is down; ending one's own sessions stays allowed.
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
        // Kept short: IAM allows 2,048 characters of inline policy per user in all (white space not counted); one
        // grant is under 1,000, so a user can hold two grants at once.
        return new PolicyDocument(
        [
            new PolicyStatement(
                "SessionsOnBastion",
                "Allow",
                ["ssm:StartSession", "ssm:ResumeSession"],
                [
                    $"arn:{partition}:ec2:{region}:{accountId}:instance/{instanceId}",
                    $"arn:{partition}:ssm:{region}:{accountId}:document/{SessionPreferences.DocumentName}",
                    $"arn:{partition}:ssm:*:*:session/${{aws:username}}-*",
                ])
            {
                Condition = onlyThePreferences,
            },
            new PolicyStatement("EndOwnSessions", "Allow", ["ssm:TerminateSession"], [$"arn:{partition}:ssm:*:*:session/${{aws:username}}-*"]),
            new PolicyStatement("SessionReads", "Allow", ["ssm:DescribeSessions", "ssm:GetConnectionStatus", "ssm:DescribeInstanceProperties", "ec2:DescribeInstances"], ["*"]) { Condition = window },
        ]);
    }

    /// <summary>A grant's length as people read it: <c>30 min</c>, <c>2 h</c>, <c>1 h 30 min</c>.</summary>
    public static string Duration(int minutes) =>
        minutes < 60 ? $"{minutes} min" : minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";

    /// <summary>The command that opens a session under the grant.</summary>
    public static string ConnectCommand(string instanceId, string region) =>
        $"aws ssm start-session --target {instanceId} --document-name {SessionPreferences.DocumentName} --region {region}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

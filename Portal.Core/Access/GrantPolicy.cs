using System.Globalization;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// The inline policy a grant is, valid only between the grant's start and expiry (<c>aws:CurrentTime</c>), so access
/// ends on time even when the portal is down:
/// <list type="bullet">
/// <item><c>Start</c>: <c>ssm:StartSession</c> on the one bastion, through the preferences document only
/// (<c>ssm:SessionDocumentAccessCheck</c> keeps port forwarding and AWS's other documents out).</item>
/// <item><c>OwnSessions</c>: <c>ssm:ResumeSession</c> (reconnect a dropped shell), <c>ssm:TerminateSession</c> (end it)
/// and <c>ssmmessages:OpenDataChannel</c> (the plugin's data channel, which AWS now checks), only on sessions whose
/// tags AWS sets say the caller started them (<c>aws:ssmmessages:session-id</c> = <c>${aws:userid}</c>) on this
/// bastion (<c>aws:ssmmessages:target-id</c>): an exact match, where a <c>session/${aws:username}-*</c> prefix would let
/// <c>ops</c> take over the sessions of <c>ops-admin</c>.</item>
/// </list>
/// That is all the AWS CLI and its Session Manager plugin need (the connect command the portal shows). Left out on
/// purpose: the console's account-wide reads (<c>ec2:DescribeInstances</c>, <c>ssm:DescribeInstanceProperties</c>,
/// <c>ssm:GetConnectionStatus</c>) and <c>ssm:DescribeSessions</c>, which lists everyone's sessions; and room, since
/// a user must be able to hold two grants within IAM's inline allowance.
/// </summary>
public static class GrantPolicy
{
    /// <summary>The prefix of every grant policy's name; the reconciler looks for it.</summary>
    public const string NamePrefix = "portal-grant-";

    /// <summary>The tag AWS puts on every session: the unique id (<c>aws:userid</c>) of the principal that started it.</summary>
    public const string SessionIdTag = "ssm:resourceTag/aws:ssmmessages:session-id";

    /// <summary>The tag AWS puts on every session: the instance it runs on.</summary>
    public const string TargetIdTag = "ssm:resourceTag/aws:ssmmessages:target-id";

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
        var ownSessionsHere = new Dictionary<string, IReadOnlyDictionary<string, object>>(window)
        {
            ["StringEquals"] = new Dictionary<string, object>
            {
                [SessionIdTag] = "${aws:userid}",
                [TargetIdTag] = instanceId,
            },
        };
        // Kept short: IAM allows 2,048 characters of inline policy per user in all (white space not counted), and a
        // user must be able to hold two grants at once (tested).
        return new PolicyDocument(
        [
            new PolicyStatement(
                "Start",
                "Allow",
                ["ssm:StartSession"],
                [
                    $"arn:{partition}:ec2:{region}:{accountId}:instance/{instanceId}",
                    $"arn:{partition}:ssm:{region}:{accountId}:document/{SessionPreferences.DocumentName}",
                ])
            {
                Condition = onlyThePreferences,
            },
            new PolicyStatement("OwnSessions", "Allow", ["ssm:ResumeSession", "ssm:TerminateSession", "ssmmessages:OpenDataChannel"], [$"arn:{partition}:ssm:{region}:{accountId}:session/*"])
            {
                Condition = ownSessionsHere,
            },
        ]);
    }

    /// <summary>
    /// The permissions boundary of the people who use the bastions (ADR 0015): the most any grant can give, and all
    /// that any policy on such a user can give. Starting sessions on the bastions through the preferences document,
    /// resuming, ending and carrying one's own sessions on them, and reading the preferences; nothing else in AWS,
    /// whoever writes an inline policy onto the user. The portal writes grants only onto users that carry it.
    /// </summary>
    public static PolicyDocument Boundary(string partition, string region, string accountId, IReadOnlyList<string> instanceIds)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var document = $"arn:{partition}:ssm:{region}:{accountId}:document/{SessionPreferences.DocumentName}";
        return new PolicyDocument(
        [
            new PolicyStatement("StartOnBastions", "Allow", ["ssm:StartSession"], [.. instanceIds.Select(id => $"arn:{partition}:ec2:{region}:{accountId}:instance/{id}"), document]),
            new PolicyStatement("OwnSessionsOnBastions", "Allow", ["ssm:ResumeSession", "ssm:TerminateSession", "ssmmessages:OpenDataChannel"], [$"arn:{partition}:ssm:{region}:{accountId}:session/*"])
            {
                Condition = new Dictionary<string, IReadOnlyDictionary<string, object>>
                {
                    ["StringEquals"] = new Dictionary<string, object>
                    {
                        [SessionIdTag] = "${aws:userid}",
                        [TargetIdTag] = instanceIds,
                    },
                },
            },
            new PolicyStatement("ReadPreferences", "Allow", ["ssm:GetDocument", "ssm:DescribeDocument"], [document]),
        ]);
    }

    /// <summary>A grant's length as people read it: <c>30 min</c>, <c>2 h</c>, <c>1 h 30 min</c>.</summary>
    public static string Duration(int minutes) => DurationPhrase(minutes).English;

    /// <summary>A grant's length to say to a person: <c>30 min</c>, <c>2 h</c>, <c>1 h 30 min</c>.</summary>
    public static Phrase DurationPhrase(int minutes) =>
        minutes < 60 ? new Phrase("{0} min", minutes) : minutes % 60 == 0 ? new Phrase("{0} h", minutes / 60) : new Phrase("{0} h {1} min", minutes / 60, minutes % 60);

    /// <summary>The command that opens a session under the grant.</summary>
    public static string ConnectCommand(string instanceId, string region) =>
        $"aws ssm start-session --target {instanceId} --document-name {SessionPreferences.DocumentName} --region {region}";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

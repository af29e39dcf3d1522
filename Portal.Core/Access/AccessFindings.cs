using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>What the reconciler found in IAM; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccessFindingKind>))]
public enum AccessFindingKind
{
    /// <summary>A policy outside the portal's grants allows StartSession on a bastion: access no approval gave.</summary>
    [JsonStringEnumMemberName("standing-access")]
    StandingAccess,

    /// <summary>A grant's policy no longer says what the portal wrote.</summary>
    [JsonStringEnumMemberName("edited-grant")]
    EditedGrant,

    /// <summary>A <c>portal-grant-*</c> policy the portal has no live grant for.</summary>
    [JsonStringEnumMemberName("unknown-grant-policy")]
    UnknownGrantPolicy,

    /// <summary>An active grant whose policy was deleted outside the portal.</summary>
    [JsonStringEnumMemberName("missing-grant-policy")]
    MissingGrantPolicy,
}

/// <summary>One finding.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Principal">Where: <c>user/name</c>, <c>group/name</c> or <c>role/name</c>.</param>
/// <param name="Policy">The inline policy's name or the managed policy's ARN.</param>
/// <param name="Said">What it allows or what changed, in a sentence, to say in any language.</param>
/// <param name="GrantId">The grant concerned, for grant findings.</param>
public sealed record AccessFinding(AccessFindingKind Kind, string Principal, string Policy, [property: JsonIgnore] Phrase Said, long? GrantId = null)
{
    /// <summary>What it allows or what changed, in English (the API's <c>detail</c>).</summary>
    public string Detail => Said.English;
}

/// <summary>The last comparison of IAM with the portal's grants.</summary>
/// <param name="CheckedAt">When.</param>
/// <param name="Items">What it found.</param>
/// <param name="ErrorCode">The AWS error code when IAM could not be read (the items are the previous pass's).</param>
public sealed record AccessFindingsReport(DateTimeOffset CheckedAt, IReadOnlyList<AccessFinding> Items, string? ErrorCode = null);

/// <summary>
/// Compares IAM with the portal's grants by content: any policy (inline or attached, on users, groups or roles) that
/// allows StartSession on a bastion outside the portal's grants, any grant policy that differs from what the portal
/// wrote, and grant policies missing or unknown.
/// </summary>
public interface IAccessFindings
{
    /// <summary>The last report, or <see langword="null"/> before the first.</summary>
    AccessFindingsReport? Last { get; }
}

internal sealed partial class AccessFindings(
    GrantStore grants,
    AccessGrants provisioning,
    IIamClient iam,
    IBastionDirectory bastions,
    IAwsEnvironment environment,
    AccessNotifier notifier,
    TimeProvider time,
    ILogger<AccessFindings> logger) : IAccessFindings
{
    /// <summary>AWS managed policies by ARN and version: their documents do not change within a version.</summary>
    private readonly ConcurrentDictionary<string, string?> _awsManaged = new(StringComparer.Ordinal);

    private AwsCallerIdentity? _caller;

    public AccessFindingsReport? Last { get; private set; }

    /// <summary>One pass; new findings go to the audit trail once.</summary>
    internal async Task<AccessFindingsReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var items = await FindAsync(now, cancellationToken);
            foreach (var found in items.Where(f => Last?.Items.Contains(f) != true))
            {
                await notifier.AuditAsync(AccessGrants.Portal, found.Kind == AccessFindingKind.MissingGrantPolicy ? AuditActions.GrantMissing : AuditActions.AccessFinding, found.Principal, $"{Name(found.Kind)}: {found.Policy}: {found.Detail}", AuditOutcome.Failed);
            }

            return Last = new AccessFindingsReport(now, items);
        }
        catch (AwsApiException ex)
        {
            LogReconcileFailed(logger, ex.ErrorCode);
            return Last = new AccessFindingsReport(now, Last?.Items ?? [], ex.ErrorCode);
        }
    }

    private async Task<List<AccessFinding>> FindAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var caller = _caller ??= await environment.GetCallerIdentityAsync(cancellationToken);
        var partition = AwsPartition.Of(caller.Region);
        var bastionArns = (await bastions.ListAsync(cancellationToken)).Select(id => $"arn:{partition}:ec2:{caller.Region}:{caller.Account}:instance/{id}").ToList();
        var live = await grants.LiveAsync(cancellationToken);
        var details = await iam.GetAuthorizationDetailsAsync(cancellationToken);
        var findings = new List<AccessFinding>();

        foreach (var principal in details.Principals)
        {
            var where = $"{principal.Kind}/{principal.Name}";
            foreach (var policy in principal.InlinePolicies)
            {
                if (GrantPolicy.IdOf(policy.PolicyName) is { } grantId && principal.Kind is "user" or "group")
                {
                    var grant = live.FirstOrDefault(g => g.Id == grantId && g.Principal == where);
                    if (grant is null)
                    {
                        findings.Add(new AccessFinding(AccessFindingKind.UnknownGrantPolicy, where, policy.PolicyName, new Phrase("The portal has no live grant with this policy; remove it in IAM if nobody knows why it is there."), grantId));
                    }
                    else if (!Same(policy.Document, await provisioning.DocumentAsync(grant, grant.ExpiresAt, cancellationToken)))
                    {
                        findings.Add(new AccessFinding(AccessFindingKind.EditedGrant, where, policy.PolicyName, new Phrase("Grant {0}'s policy was changed outside the portal: it no longer says only what the grant allows.", grantId), grantId));
                    }

                    continue;
                }

                findings.AddRange(Standing(where, policy.PolicyName, policy.Document, bastionArns));
            }

            foreach (var arn in principal.AttachedPolicyArns)
            {
                var document = details.LocalPolicyDocuments.GetValueOrDefault(arn) ?? await AwsManagedAsync(arn, cancellationToken);
                if (document is not null)
                {
                    findings.AddRange(Standing(where, arn, document, bastionArns));
                }
            }
        }

        var inIam = details.Principals.SelectMany(p => p.InlinePolicies.Select(i => ($"{p.Kind}/{p.Name}", i.PolicyName))).ToHashSet();
        foreach (var grant in live.Where(g => g.State == GrantState.Active && g.ExpiresAt > now && !inIam.Contains((g.Principal, GrantPolicy.NameOf(g.Id)))))
        {
            await grants.MissingAsync(grant.Id, cancellationToken);
            findings.Add(new AccessFinding(AccessFindingKind.MissingGrantPolicy, grant.Principal, GrantPolicy.NameOf(grant.Id), new Phrase("Grant {0} is active but its policy was deleted outside the portal.", grant.Id), grant.Id));
        }

        return findings;
    }

    private static IEnumerable<AccessFinding> Standing(string where, string policy, string document, IReadOnlyCollection<string> bastionArns)
    {
        IReadOnlyList<StandingAccess.Allowance> allowances;
        try
        {
            allowances = StandingAccess.Find(document, bastionArns);
        }
        catch (JsonException)
        {
            yield break;
        }

        foreach (var allowance in allowances)
        {
            var instances = string.Join(", ", allowance.Bastions.Select(a => a[(a.LastIndexOf('/') + 1)..]));
            yield return new AccessFinding(
                AccessFindingKind.StandingAccess,
                where,
                policy,
                (allowance.Sid, allowance.Conditional) switch
                {
                    ({ } sid, true) => new Phrase("Allows ssm:StartSession on {0} (statement {1}), under conditions, outside the portal's grants and approvals.", instances, sid),
                    ({ } sid, false) => new Phrase("Allows ssm:StartSession on {0} (statement {1}), outside the portal's grants and approvals.", instances, sid),
                    (null, true) => new Phrase("Allows ssm:StartSession on {0}, under conditions, outside the portal's grants and approvals.", instances),
                    _ => new Phrase("Allows ssm:StartSession on {0}, outside the portal's grants and approvals.", instances),
                });
        }
    }

    private async Task<string?> AwsManagedAsync(string arn, CancellationToken cancellationToken)
    {
        if (await iam.GetPolicyAsync(arn, cancellationToken) is not { } policy)
        {
            return null;
        }

        var key = $"{arn}#{policy.DefaultVersionId}";
        if (_awsManaged.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var document = (await iam.GetPolicyVersionAsync(arn, policy.DefaultVersionId, cancellationToken))?.Document;
        _awsManaged[key] = document;
        return document;
    }

    /// <summary>Two policy documents with the same content, however they are spaced.</summary>
    private static bool Same(string actual, string expected)
    {
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Name(AccessFindingKind kind) => JsonSerializer.Serialize(kind).Trim('"');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grants could not be compared with IAM: {ErrorCode}")]
    private static partial void LogReconcileFailed(ILogger logger, string errorCode);
}

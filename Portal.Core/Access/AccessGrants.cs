using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Notifications;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Access;

internal sealed partial class AccessGrants(
    GrantStore store,
    IIamClient iam,
    IIamUserMapper mapper,
    GrantBoundary boundary,
    SessionEnforcer enforcer,
    IAwsEnvironment environment,
    AccessNotifier notifier,
    TimeProvider time,
    IOptions<AccessOptions> options,
    IOptions<PortalAwsOptions> aws,
    ILogger<AccessGrants> logger) : IAccessGrants
{
    internal const string Portal = "portal";

    private AwsCallerIdentity? _caller;

    public async Task<IReadOnlyList<AccessGrant>> ListAsync(string? person = null, CancellationToken cancellationToken = default) =>
        [.. (await store.ListAsync(person, cancellationToken)).Select(ToGrant)];

    public async Task<AccessGrant> GetAsync(long id, CancellationToken cancellationToken = default) =>
        ToGrant(await store.LoadAsync(id, cancellationToken));

    public async Task<AccessGrant> RetryAsync(long grantId, string actor, CancellationToken cancellationToken = default)
    {
        var grant = await store.LoadAsync(grantId, cancellationToken);
        if (grant.State != GrantState.Approved || grant.ExpiresAt <= time.GetUtcNow())
        {
            throw new AccessException(AccessRefusal.Conflict, grant.State == GrantState.Approved
                ? new Phrase("Grant {0} is approved but past its expiry: only an approved grant not yet in IAM can be retried.", grantId)
                : new Phrase("Grant {0} is {1}: only an approved grant not yet in IAM can be retried.", grantId, AccessStates.Said(grant.State)));
        }

        await ActivateAsync(grantId, actor, cancellationToken);
        return await GetAsync(grantId, cancellationToken);
    }

    public async Task<AccessGrant> RevokeAsync(long grantId, string actor, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        comment = AccessInput.Comment(comment);
        var grant = await store.LoadAsync(grantId, cancellationToken);
        if (grant.State is not (GrantState.Active or GrantState.Approved))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Grant {0} is {1} already.", grantId, AccessStates.Said(grant.State)));
        }

        try
        {
            await DeletePolicyAsync(grant, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await store.ErrorAsync(grantId, ex.ErrorCode, ex.Message, CancellationToken.None);
            await notifier.AuditAsync(actor, AuditActions.GrantRevoke, GrantTarget(grantId), $"failed: iam answered {ex.ErrorCode}; the policy is still in place", AuditOutcome.Failed);
            throw;
        }

        var now = time.GetUtcNow();
        await store.EndAsync(grantId, GrantState.Revoked, actor, now, cancellationToken);
        var (note, cleared) = await EndSessionsAsync(grant, actor, $"grant {grantId} was revoked by {actor}", cancellationToken);
        await store.SessionsEndedAsync(grantId, note, cleared ? now : null, cancellationToken);
        await notifier.AuditAsync(actor, AuditActions.GrantRevoke, GrantTarget(grantId), $"{(comment is null ? string.Empty : comment + "; ")}policy {GrantPolicy.NameOf(grantId)} removed; {note}");
        if (grant.Person is { } person)
        {
            await notifier.NoticeAsync(INotifications.Person(person), comment is null
                ? new Phrase("Your access to {0} (grant {1}) was revoked by {2}.", grant.TargetInstanceId, grantId, actor)
                : new Phrase("Your access to {0} (grant {1}) was revoked by {2}: {3}", grant.TargetInstanceId, grantId, actor, comment));
        }

        return await GetAsync(grantId, cancellationToken);
    }

    public async Task<AccessGrant> AcknowledgeAsync(long grantId, AccessPerson reviewer, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        comment = AccessInput.Comment(comment);
        var grant = await store.LoadAsync(grantId, cancellationToken);
        if (!grant.BreakGlass || grant.ReviewedBy is not null)
        {
            throw new AccessException(AccessRefusal.Conflict, grant.BreakGlass ? new Phrase("Grant {0} was acknowledged by {1} already.", grantId, grant.ReviewedBy) : new Phrase("Grant {0} is not a break-glass grant: there is nothing to acknowledge.", grantId));
        }

        if (string.Equals(reviewer.Name, grant.Person, StringComparison.Ordinal) || string.Equals(reviewer.Name, grant.GrantedBy, StringComparison.Ordinal)
            || await IsOwnAsync(reviewer, grant.PrincipalName, cancellationToken))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Break-glass is reviewed by another approver, not by the person who used it."));
        }

        if (!await store.ReviewedAsync(grantId, reviewer.Name, comment, time.GetUtcNow(), cancellationToken))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Grant {0} was acknowledged by someone else just now.", grantId));
        }

        await notifier.AuditAsync(reviewer.Name, AuditActions.GrantReview, GrantTarget(grantId), comment ?? "break-glass acknowledged");
        return await GetAsync(grantId, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessGrant>> AwaitingReviewAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.AwaitingReviewAsync(cancellationToken)).Select(ToGrant)];

    public async Task<IReadOnlyList<string>> GranteesAsync(CancellationToken cancellationToken = default) =>
        [.. (await iam.ListUsersAsync(cancellationToken)).Select(u => u.UserName).Order(StringComparer.Ordinal)];

    public async Task<CoveringGrant?> CoveringAsync(string iamUser, string target, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        foreach (var grant in await store.HeldAtAsync(target, at, cancellationToken))
        {
            var covers = grant.PrincipalType == PrincipalType.User
                ? string.Equals(grant.PrincipalName, iamUser, StringComparison.OrdinalIgnoreCase)
                : (await iam.GetGroupMembersAsync(grant.PrincipalName, cancellationToken)).Any(u => string.Equals(u.UserName, iamUser, StringComparison.OrdinalIgnoreCase));
            if (covers)
            {
                return new CoveringGrant(ToGrant(grant), await DocumentAsync(grant, grant.ExpiresAt, cancellationToken));
            }
        }

        return null;
    }

    /// <summary>Stores a new grant, audits it and puts its policy; an IAM failure stays on the grant (Approved).</summary>
    internal async Task<AccessGrant> CreateAsync(GrantRecord grant, string actor, string detail, CancellationToken cancellationToken)
    {
        await store.AddAsync(grant, cancellationToken);
        await CreatedAsync(grant.Id, actor, detail);
        return await GetAsync(grant.Id, CancellationToken.None);
    }

    /// <summary>Audits a grant already stored (by a request's approval) and puts its policy.</summary>
    internal async Task CreatedAsync(long grantId, string actor, string detail)
    {
        await notifier.AuditAsync(actor, AuditActions.GrantCreate, GrantTarget(grantId), detail);
        await ActivateAsync(grantId, actor, CancellationToken.None);
    }

    /// <summary>Puts the grant's policy on its principal; success makes it Active, an AWS failure stays on the grant.</summary>
    internal async Task ActivateAsync(long grantId, string actor, CancellationToken cancellationToken)
    {
        var grant = await store.LoadAsync(grantId, cancellationToken);
        try
        {
            await PutPolicyAsync(grant, grant.ExpiresAt, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await store.ErrorAsync(grantId, ex.ErrorCode, ex.Message, CancellationToken.None);
            await notifier.AuditAsync(actor, AuditActions.GrantActivate, GrantTarget(grantId), $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}: the grant is approved but not active; retry it", AuditOutcome.Failed);
            return;
        }
        catch (AccessException ex)
        {
            await store.ErrorAsync(grantId, GrantBoundary.MissingCode, ex.Message, CancellationToken.None);
            await notifier.AuditAsync(actor, AuditActions.GrantActivate, GrantTarget(grantId), $"refused: {ex.Message}", AuditOutcome.Failed);
            return;
        }

        await store.ActivatedAsync(grantId, cancellationToken);
        await notifier.AuditAsync(actor, AuditActions.GrantActivate, GrantTarget(grantId), $"policy {GrantPolicy.NameOf(grantId)} on {grant.Principal} until {Stamp(grant.ExpiresAt)}");
    }

    /// <summary>
    /// Moves an active grant's expiry later by rewriting its policy in place: the same name, the same start, so no
    /// moment passes without access and no session ends. IAM is changed first: should the database fail after, the
    /// portal expires the grant at the earlier time it still holds, which is safe.
    /// </summary>
    /// <exception cref="AccessException">The grant has ended, or has been extended by someone else meanwhile (Conflict).</exception>
    /// <exception cref="AwsApiException">IAM refused; the grant keeps its expiry and says why.</exception>
    internal async Task<AccessGrant> ExtendAsync(long grantId, int minutes, string actor, CancellationToken cancellationToken)
    {
        var grant = await store.LoadAsync(grantId, cancellationToken);
        var now = time.GetUtcNow();
        if (grant.State != GrantState.Active || grant.ExpiresAt <= now)
        {
            throw new AccessException(AccessRefusal.Conflict, grant.State == GrantState.Active
                ? new Phrase("Grant {0} is past its expiry: only an active grant can be extended; ask for new access.", grantId)
                : new Phrase("Grant {0} is {1}: only an active grant can be extended; ask for new access.", grantId, AccessStates.Said(grant.State)));
        }

        var latest = now.AddMinutes(options.Value.MaxDurationMinutes);
        var to = grant.ExpiresAt.AddMinutes(minutes) is var wanted && wanted > latest ? latest : wanted;
        try
        {
            await PutPolicyAsync(grant, to, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await store.ErrorAsync(grantId, ex.ErrorCode, $"An extension to {Stamp(to)} failed ({ex.Service} {ex.Operation} answered {ex.ErrorCode}); the grant still ends at {Stamp(grant.ExpiresAt)}: {ex.Message}", CancellationToken.None);
            await notifier.AuditAsync(actor, AuditActions.GrantExtend, GrantTarget(grantId), $"to {Stamp(to)}: {ex.Service} {ex.Operation} answered {ex.ErrorCode}", AuditOutcome.Failed);
            throw;
        }

        if (!await store.ExtendedAsync(grantId, grant.ExpiresAt, to, cancellationToken))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Grant {0} changed while it was being extended; look again.", grantId));
        }

        await notifier.AuditAsync(actor, AuditActions.GrantExtend, GrantTarget(grantId), $"policy {GrantPolicy.NameOf(grantId)} rewritten in place: {Stamp(grant.ExpiresAt)} to {Stamp(to)}");
        return await GetAsync(grantId, CancellationToken.None);
    }

    /// <summary>Ends due grants: removes their policy and their live sessions; one whose policy cannot be removed says why.</summary>
    internal async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = 0;
        foreach (var grant in await store.DueAsync(now, cancellationToken))
        {
            try
            {
                await DeletePolicyAsync(grant, cancellationToken);
            }
            catch (AwsApiException ex)
            {
                LogExpiryFailed(logger, grant.Id, ex.ErrorCode);
                await store.ErrorAsync(grant.Id, ex.ErrorCode, $"The expired policy could not be removed (its time window has closed it): {ex.Message}", cancellationToken);
                continue;
            }

            if (!await store.EndAsync(grant.Id, GrantState.Expired, null, now, cancellationToken))
            {
                continue;
            }

            ended++;

            // The window stops new sessions only; a shell opened before expiry would run on until the preferences'
            // maximum session duration.
            var (note, cleared) = await EndSessionsAsync(grant, Portal, $"grant {grant.Id} expired", cancellationToken);
            await store.SessionsEndedAsync(grant.Id, note, cleared ? now : null, cancellationToken);
            await notifier.AuditAsync(Portal, AuditActions.GrantExpire, GrantTarget(grant.Id), $"policy {GrantPolicy.NameOf(grant.Id)} removed from {grant.Principal}; {note}");
            if (grant.Person is { } person)
            {
                await notifier.NoticeAsync(INotifications.Person(person), new Phrase("Your access to {0} (grant {1}) has expired.", grant.TargetInstanceId, grant.Id));
            }
        }

        return ended;
    }

    /// <summary>Tells people once that their access ends soon.</summary>
    internal async Task WarnAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var grant in await store.EndingUnwarnedAsync(now, now.AddMinutes(options.Value.ExpiryWarningMinutes), cancellationToken))
        {
            if (await store.WarnedAsync(grant.Id, now, cancellationToken))
            {
                var left = (int)Math.Ceiling((grant.ExpiresAt - now).TotalMinutes);
                await notifier.NoticeAsync(INotifications.Person(grant.Person!), new Phrase("Your access to {0} (grant {1}) ends in {2} min, at {3}. You can ask to extend it.", grant.TargetInstanceId, grant.Id, left, Stamp(grant.ExpiresAt)));
            }
        }
    }

    /// <summary>Removes the grant's policy; one already gone is not an error.</summary>
    internal Task<bool> DeletePolicyAsync(GrantRecord grant, CancellationToken cancellationToken) =>
        grant.PrincipalType == PrincipalType.User
            ? iam.DeleteUserPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken)
            : iam.DeleteGroupPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken);

    /// <summary>The document the portal writes for a grant with the given expiry.</summary>
    internal async Task<string> DocumentAsync(GrantRecord grant, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var caller = _caller ??= await environment.GetCallerIdentityAsync(cancellationToken);
        return GrantPolicy.For(AwsPartition.Of(caller.Region), caller.Region, caller.Account, grant.TargetInstanceId, grant.StartsAt, expiresAt).ToJson();
    }

    /// <summary>
    /// Ends the principal's sessions on the bastion; where that cannot be done, says why instead of failing the revoke
    /// or the expiry, records the code on the grant, and leaves the maintenance sweeps to try again.
    /// </summary>
    private async Task<(string Note, bool Cleared)> EndSessionsAsync(GrantRecord grant, string actor, string why, CancellationToken cancellationToken)
    {
        try
        {
            var ended = await enforcer.EndForGrantAsync(grant, actor, why, cancellationToken);
            return (ended.Count == 0 ? "no live sessions to end" : $"ended {ended.Count} live session(s): {string.Join(", ", ended)}", true);
        }
        catch (AwsApiException ex)
        {
            await store.ErrorAsync(grant.Id, ex.ErrorCode, $"Live sessions could not be ended yet ({ex.Service} {ex.Operation} answered {ex.ErrorCode}); the portal keeps trying: {ex.Message}", CancellationToken.None);
            return ($"live sessions could not be ended yet: {ex.Service} {ex.Operation} answered {ex.ErrorCode}; the portal keeps trying (no new session can start)", false);
        }
    }

    /// <summary>Writes the grant's policy onto its user, checked first to carry the boundary (IAM would refuse the portal otherwise).</summary>
    /// <exception cref="AccessException">A group, or a user without the boundary: nothing was written.</exception>
    private async Task PutPolicyAsync(GrantRecord grant, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await boundary.EnsureAsync(grant.PrincipalType, grant.PrincipalName, cancellationToken);
        var document = await DocumentAsync(grant, expiresAt, cancellationToken);
        await iam.PutUserPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), document, cancellationToken);
    }

    private async Task<bool> IsOwnAsync(AccessPerson person, string iamUser, CancellationToken cancellationToken) =>
        string.Equals((await mapper.MapAsync(person, cancellationToken)).UserName, iamUser, StringComparison.OrdinalIgnoreCase);

    private AccessGrant ToGrant(GrantRecord record) => record.ToGrant(aws.Value.Region);

    internal static string GrantTarget(long id) => $"grant/{id.ToString(CultureInfo.InvariantCulture)}";

    internal static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    internal static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grant {GrantId} expired but its policy could not be removed: {ErrorCode}")]
    private static partial void LogExpiryFailed(ILogger logger, long grantId, string errorCode);
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws.Iam;
using Portal.Core.Identity;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// Owns <c>AccessRequests</c> and <c>AccessDecisions</c>. A decision is stored first, by a conditional update from
/// Pending; the approval that completes a request makes its grant in the same commit, and IAM is changed after.
/// </summary>
internal sealed class AccessRequests(
    IDbContextFactory<PortalDbContext> contexts,
    AccessGrants grants,
    GrantStore grantStore,
    IIamUserMapper mapper,
    GrantBoundary boundary,
    IBastionDirectory bastions,
    AccessNotifier notifier,
    TimeProvider time,
    IOptions<AccessOptions> options) : IAccessRequests
{
    /// <summary>
    /// A grant's window opens this long before the decision, so a portal clock ahead of AWS's does not refuse the
    /// first session; IAM's propagation takes seconds more, so notices say access starts within a minute.
    /// </summary>
    internal static readonly TimeSpan Backdate = TimeSpan.FromMinutes(1);

    public async Task<AccessRequest> RequestAsync(AccessPerson person, NewAccessRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(input);
        var errors = await CheckAsync(input.TargetInstanceId, input.DurationMinutes, input.Reason, cancellationToken);
        if (input.Ticket is { Length: > 128 } || (input.Ticket is not null && input.Ticket.Any(char.IsControl)))
        {
            errors["ticket"] = [new Phrase("A ticket reference is up to 128 characters on one line.")];
        }

        if (errors.Count > 0)
        {
            throw new AccessException(AccessRefusal.Invalid, new Phrase("The request is not valid."), errors);
        }

        var iamUser = await IamUserOfAsync(person, cancellationToken);
        var record = await AddAsync(new AccessRequestRecord
        {
            State = AccessRequestState.Pending,
            Requester = person.Name,
            IamUser = iamUser,
            TargetInstanceId = input.TargetInstanceId!,
            DurationMinutes = input.DurationMinutes!.Value,
            Reason = input.Reason!.Trim(),
            Ticket = string.IsNullOrWhiteSpace(input.Ticket) ? null : input.Ticket.Trim(),
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);
        await notifier.AuditAsync(person.Name, AuditActions.AccessRequest, RequestTarget(record.Id), $"{record.TargetInstanceId} for {record.DurationMinutes} min as IAM user {record.IamUser}: {record.Reason}");
        await notifier.NoticeAsync(INotifications.Role(PortalRoles.Approver), new Phrase("{0} asks for {1} on {2} (request {3}): {4}", person.Name, GrantPolicy.DurationPhrase(record.DurationMinutes), record.TargetInstanceId, record.Id, record.Reason), "/access");
        return ToRequest(record);
    }

    public async Task<AccessRequest> ExtendAsync(AccessPerson person, long grantId, int? minutes, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var errors = new Dictionary<string, Phrase[]>();
        var max = options.Value.MaxDurationMinutes;
        if (minutes is not { } m || m < 1 || m > max)
        {
            errors["minutes"] = [new Phrase("Ask for 1 to {0:N0} more minutes.", max)];
        }

        if (AccessInput.ReasonProblem(reason, new Phrase("Say why you need more time.")) is { } problem)
        {
            errors["reason"] = [problem];
        }

        if (errors.Count > 0)
        {
            throw new AccessException(AccessRefusal.Invalid, new Phrase("The extension is not valid."), errors);
        }

        var grant = await grantStore.LoadAsync(grantId, cancellationToken);
        if (grant.Person != person.Name)
        {
            throw new AccessException(AccessRefusal.Forbidden, new Phrase("Grant {0} is not yours to extend.", grantId));
        }

        if (grant.State != GrantState.Active || grant.ExpiresAt <= time.GetUtcNow())
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Grant {0} is not active: ask for new access instead.", grantId));
        }

        var record = await AddAsync(new AccessRequestRecord
        {
            Kind = AccessRequestKind.Extension,
            ExtendsGrantId = grantId,
            State = AccessRequestState.Pending,
            Requester = person.Name,
            IamUser = grant.PrincipalName,
            PrincipalType = grant.PrincipalType,
            TargetInstanceId = grant.TargetInstanceId,
            DurationMinutes = minutes!.Value,
            Reason = reason!.Trim(),
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);
        await notifier.AuditAsync(person.Name, AuditActions.AccessExtendRequest, RequestTarget(record.Id), $"grant {grantId} on {grant.TargetInstanceId}, {minutes} min more: {record.Reason}");
        await notifier.NoticeAsync(INotifications.Role(PortalRoles.Approver), new Phrase("{0} asks for {1} more on {2} (grant {3}, request {4}): {5}", person.Name, GrantPolicy.DurationPhrase(record.DurationMinutes), grant.TargetInstanceId, grantId, record.Id, record.Reason), "/access");
        return ToRequest(record);
    }

    public async Task<IReadOnlyList<AccessRequest>> ListAsync(string? requester = null, AccessRequestState? state = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AccessRequests.AsNoTracking().Include(r => r.Decisions).AsQueryable();
        if (requester is not null)
        {
            query = query.Where(r => r.Requester == requester);
        }

        if (state is { } wanted)
        {
            query = query.Where(r => r.State == wanted);
        }

        return [.. (await query.OrderByDescending(r => r.Id).Take(500).ToListAsync(cancellationToken)).Select(ToRequest)];
    }

    public async Task<AccessRequest> GetAsync(long id, CancellationToken cancellationToken = default) =>
        ToRequest(await LoadAsync(id, cancellationToken));

    public async Task<AccessRequest> ApproveAsync(long id, AccessPerson approver, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        comment = AccessInput.Comment(comment);
        var request = await LoadAsync(id, cancellationToken);
        Decidable(request, approver.Name);
        await NotOwnAsync(approver, request.IamUser, cancellationToken);
        await boundary.EnsureAsync(request.PrincipalType, request.IamUser, cancellationToken);
        var (approved, grantId) = await RecordApprovalAsync(request, approver.Name, comment, breakGlass: false, cancellationToken);
        await notifier.AuditAsync(approver.Name, AuditActions.AccessApprove, RequestTarget(id), comment ?? (approved ? "approved" : "approval recorded; more are needed"));
        if (approved)
        {
            await CompleteAsync(request, approver.Name, grantId, breakGlass: false);
        }

        return await GetAsync(id, cancellationToken);
    }

    public async Task<AccessRequest> DenyAsync(long id, string approver, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(approver);
        comment = AccessInput.Comment(comment);
        var request = await LoadAsync(id, cancellationToken);
        Decidable(request, approver);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Denied).SetProperty(r => r.DecidedAt, now), cancellationToken) == 0)
            {
                throw new AccessException(AccessRefusal.Conflict, new Phrase("Request {0} was decided by someone else just now.", id));
            }

            await db.AccessDecisions.Where(d => d.RequestId == id && d.Approver == approver).ExecuteDeleteAsync(cancellationToken);
            db.AccessDecisions.Add(new AccessDecisionRecord { RequestId = id, Approver = approver, Approved = false, Comment = comment, At = now });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await notifier.AuditAsync(approver, AuditActions.AccessDeny, RequestTarget(id), comment ?? "no comment");
        await notifier.NoticeAsync(INotifications.Person(request.Requester), comment is null
            ? new Phrase("{0} was denied by {1}.", What(request), approver)
            : new Phrase("{0} was denied by {1}: {2}", What(request), approver, comment));
        return await GetAsync(id, cancellationToken);
    }

    public async Task<AccessRequest> CancelAsync(long id, string requester, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requester);
        var request = await LoadAsync(id, cancellationToken);
        if (request.Requester != requester)
        {
            throw new AccessException(AccessRefusal.Forbidden, new Phrase("Request {0} is not yours to cancel.", id));
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Cancelled).SetProperty(r => r.DecidedAt, now), cancellationToken) == 0)
            {
                throw new AccessException(AccessRefusal.Conflict, new Phrase("Request {0} is {1}: only a pending request can be cancelled.", id, AccessStates.Said(request.State)));
            }
        }

        await notifier.AuditAsync(requester, AuditActions.AccessCancel, RequestTarget(id), null);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<AccessRequest> BreakGlassAsync(long id, AccessPerson person, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var glass = options.Value.BreakGlass;
        if (!glass.Enabled)
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Break-glass is off here (Portal:Access:BreakGlass:Enabled): another approver must decide."));
        }

        if (!person.Holds(PortalRoles.Requester) || !person.Holds(PortalRoles.Approver))
        {
            throw new AccessException(AccessRefusal.Forbidden, new Phrase("Break-glass is for people who are both Requester and Approver."));
        }

        var why = AccessInput.Reason(reason, new Phrase("Say why this cannot wait for another approver; every approver reads it."));
        var request = await LoadAsync(id, cancellationToken);
        if (request.Requester != person.Name || request.Kind != AccessRequestKind.Access)
        {
            throw new AccessException(AccessRefusal.Forbidden, new Phrase("Break-glass approves only one's own access request; request {0} is not.", id));
        }

        if (request.State != AccessRequestState.Pending)
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Request {0} is {1} already.", id, AccessStates.Said(request.State)));
        }

        await boundary.EnsureAsync(request.PrincipalType, request.IamUser, cancellationToken);
        var (_, grantId) = await RecordApprovalAsync(request, person.Name, $"break-glass: {why}", breakGlass: true, cancellationToken);
        var minutes = Math.Min(request.DurationMinutes, glass.MaxMinutes);
        await notifier.AuditAsync(person.Name, AuditActions.AccessBreakGlass, RequestTarget(id), $"approved own request for {minutes} min on {request.TargetInstanceId}: {why}", AuditOutcome.Succeeded);
        await notifier.NoticeAsync(
            INotifications.Role(PortalRoles.Approver),
            new Phrase("BREAK-GLASS: {0} approved their own request {1} for {2} on {3}: {4}. Another approver must acknowledge grant {5}.", person.Name, id, GrantPolicy.DurationPhrase(minutes), request.TargetInstanceId, why, grantId),
            "/access");
        await CompleteAsync(request, person.Name, grantId, breakGlass: true);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<DirectGrantResult> GrantDirectlyAsync(AccessPerson approver, NewGrant input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(input);
        var errors = await CheckAsync(input.TargetInstanceId, input.DurationMinutes, input.Reason, cancellationToken);
        if (input.PrincipalType is null)
        {
            errors["principalType"] = [new Phrase("Grant to an IAM user (principalType user).")];
        }
        else if (input.PrincipalType != PrincipalType.User)
        {
            errors["principalType"] = [GrantBoundary.NoGroups];
        }
        else if (!IamNames.IsValidUserName(input.PrincipalName))
        {
            errors["principalName"] = [new Phrase("Name the IAM user (letters, digits and +=,.@_-).")];
        }
        else if (await boundary.ProblemAsync(input.PrincipalName!, cancellationToken) is { } problem)
        {
            errors["principalName"] = [problem];
        }

        if (errors.Count > 0)
        {
            throw new AccessException(AccessRefusal.Invalid, new Phrase("The grant is not valid."), errors);
        }

        var type = input.PrincipalType!.Value;
        var principal = input.PrincipalName!;
        await NotOwnAsync(approver, principal, cancellationToken);
        var now = time.GetUtcNow();
        var who = $"user/{principal}";
        if (options.Value.RequiredApprovals <= 1)
        {
            var grant = await grants.CreateAsync(
                new GrantRecord
                {
                    PrincipalType = type,
                    PrincipalName = principal,
                    TargetInstanceId = input.TargetInstanceId!,
                    StartsAt = now - Backdate,
                    ExpiresAt = now.AddMinutes(input.DurationMinutes!.Value),
                    State = GrantState.Approved,
                    GrantedBy = approver.Name,
                    Reason = input.Reason!.Trim(),
                },
                approver.Name,
                $"{who} on {input.TargetInstanceId} for {input.DurationMinutes} min, directly: {input.Reason!.Trim()}",
                cancellationToken);
            return new DirectGrantResult(grant, null);
        }

        // More approvers are needed: the grant waits as a proposal with this approval counted.
        var record = await AddAsync(new AccessRequestRecord
        {
            Kind = AccessRequestKind.Direct,
            State = AccessRequestState.Pending,
            Requester = approver.Name,
            IamUser = principal,
            PrincipalType = type,
            TargetInstanceId = input.TargetInstanceId!,
            DurationMinutes = input.DurationMinutes!.Value,
            Reason = input.Reason!.Trim(),
            CreatedAt = now,
            Decisions = [new AccessDecisionRecord { Approver = approver.Name, Approved = true, Comment = "proposed the direct grant", At = now }],
        }, cancellationToken);
        await notifier.AuditAsync(approver.Name, AuditActions.AccessPropose, RequestTarget(record.Id), $"{who} on {record.TargetInstanceId} for {record.DurationMinutes} min, directly; {options.Value.RequiredApprovals - 1} more approval(s) needed: {record.Reason}");
        await notifier.NoticeAsync(INotifications.Role(PortalRoles.Approver), new Phrase("{0} proposes a direct grant to {1} for {2} on {3} (request {4}): {5}", approver.Name, who, GrantPolicy.DurationPhrase(record.DurationMinutes), record.TargetInstanceId, record.Id, record.Reason), "/access");
        return new DirectGrantResult(null, await GetAsync(record.Id, cancellationToken));
    }

    /// <summary>Undecided requests past <see cref="AccessOptions.PendingExpiryHours"/> expire.</summary>
    internal async Task ExpireStaleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now.AddHours(-options.Value.PendingExpiryHours);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var undecided = await db.AccessRequests.AsNoTracking().Where(r => r.State == AccessRequestState.Pending && r.CreatedAt <= stale).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in undecided)
        {
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Expired).SetProperty(r => r.DecidedAt, now), cancellationToken) == 1)
            {
                await notifier.AuditAsync(AccessGrants.Portal, AuditActions.AccessExpire, RequestTarget(id), $"not decided within {options.Value.PendingExpiryHours} h");
            }
        }
    }

    /// <summary>
    /// Adds an approval; the one that completes the request moves it to Approved and, for access, makes its grant in
    /// the same commit. Returns whether the request is now approved, and the grant it made.
    /// </summary>
    private async Task<(bool Approved, long? GrantId)> RecordApprovalAsync(AccessRequestRecord request, string approver, string? comment, bool breakGlass, CancellationToken cancellationToken)
    {
        var id = request.Id;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.AccessDecisions.AnyAsync(d => d.RequestId == id && d.Approver == approver, cancellationToken))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("You have already approved request {0}.", id));
        }

        var now = time.GetUtcNow();
        db.AccessDecisions.Add(new AccessDecisionRecord { RequestId = id, Approver = approver, Approved = true, Comment = comment, At = now });
        await db.SaveChangesAsync(cancellationToken);
        var approvals = await db.AccessDecisions.CountAsync(d => d.RequestId == id && d.Approved, cancellationToken);
        if (!breakGlass && approvals < options.Value.RequiredApprovals)
        {
            await transaction.CommitAsync(cancellationToken);
            return (false, null);
        }

        if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Approved).SetProperty(r => r.DecidedAt, now).SetProperty(r => r.BreakGlass, breakGlass), cancellationToken) != 1)
        {
            // Another approver decided it between our read and our write: theirs stands, and leaving without a
            // commit takes our approval back.
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Request {0} was decided by someone else just now.", id));
        }

        long? grantId = request.ExtendsGrantId;
        if (request.Kind != AccessRequestKind.Extension)
        {
            var minutes = breakGlass ? Math.Min(request.DurationMinutes, options.Value.BreakGlass.MaxMinutes) : request.DurationMinutes;
            var grant = new GrantRecord
            {
                PrincipalType = request.PrincipalType,
                PrincipalName = request.IamUser,
                TargetInstanceId = request.TargetInstanceId,
                StartsAt = now - Backdate,
                ExpiresAt = now.AddMinutes(minutes),
                State = GrantState.Approved,
                RequestId = id,
                GrantedBy = approver,
                Reason = request.Reason,
                Person = request.Kind == AccessRequestKind.Access ? request.Requester : null,
                BreakGlass = breakGlass,
            };
            GrantStore.Add(db, grant);
            await db.SaveChangesAsync(cancellationToken);
            grantId = grant.Id;
        }

        await db.AccessRequests.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.GrantId, grantId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (true, grantId);
    }

    /// <summary>After the approval committed: puts or rewrites the grant's policy in IAM and tells the requester.</summary>
    private async Task CompleteAsync(AccessRequestRecord request, string approver, long? grantId, bool breakGlass)
    {
        if (grantId is not { } made)
        {
            return;
        }

        if (request.Kind == AccessRequestKind.Extension)
        {
            try
            {
                var extended = await grants.ExtendAsync(made, request.DurationMinutes, approver, CancellationToken.None);
                await notifier.NoticeAsync(INotifications.Person(request.Requester), new Phrase("{0} was approved by {1}: grant {2} now ends at {3}, with no break in access.", What(request), approver, made, AccessGrants.Stamp(extended.ExpiresAt)));
            }
            catch (Exception ex) when (ex is AccessException or Aws.AwsApiException)
            {
                await notifier.NoticeAsync(INotifications.Person(request.Requester), new Phrase("{0} was approved by {1}, but grant {2} could not be extended: {3}", What(request), approver, made, ex.Message));
            }

            return;
        }

        var who = $"{(request.PrincipalType == PrincipalType.User ? "user" : "group")}/{request.IamUser}";
        await grants.CreatedAsync(made, approver, $"{who} on {request.TargetInstanceId} for {request.DurationMinutes} min (request {request.Id}){(breakGlass ? ", break-glass" : string.Empty)}");
        var grant = await grants.GetAsync(made, CancellationToken.None);
        await notifier.NoticeAsync(
            INotifications.Person(request.Requester),
            grant.State == GrantState.Active
                ? request.Kind == AccessRequestKind.Direct
                    ? new Phrase("{0} was approved by {1}: {2} may start sessions on {3} within a minute, until {4}.", What(request), approver, who, grant.TargetInstanceId, AccessGrants.Stamp(grant.ExpiresAt))
                    : new Phrase("{0} was approved by {1}: you may start sessions on {2} within a minute, until {3}.", What(request), approver, grant.TargetInstanceId, AccessGrants.Stamp(grant.ExpiresAt))
                : new Phrase("{0} was approved by {1}, but IAM answered {2}: the access is not active yet; an approver can retry it.", What(request), approver, grant.ErrorCode));
    }

    /// <summary>
    /// Refuses when the principal is the approver's own IAM user. Identities are compared as IAM users (the approver's
    /// mapping, and their sign-in name, since IAM user names are unique in an account).
    /// </summary>
    private async Task NotOwnAsync(AccessPerson approver, string principal, CancellationToken cancellationToken)
    {
        var mapped = (await mapper.MapAsync(approver, cancellationToken)).UserName;
        var own = new[] { mapped, approver.Name }.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (own.Contains(principal))
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("{0} is your own IAM user: nobody grants access to themselves; another approver must decide.", principal));
        }
    }

    private static void Decidable(AccessRequestRecord request, string approver)
    {
        if (request.Requester == approver)
        {
            throw new AccessException(
                AccessRefusal.Conflict,
                request.Kind == AccessRequestKind.Direct ? new Phrase("You proposed this grant: other approvers decide it.") : new Phrase("Nobody approves or denies their own request."));
        }

        if (request.State != AccessRequestState.Pending)
        {
            throw new AccessException(AccessRefusal.Conflict, new Phrase("Request {0} is {1} already.", request.Id, AccessStates.Said(request.State)));
        }
    }

    private async Task<string> IamUserOfAsync(AccessPerson person, CancellationToken cancellationToken)
    {
        var mapping = await mapper.MapAsync(person, cancellationToken);
        var user = mapping.UserName ?? throw AccessException.Invalid("iamUser", mapping.Problem ?? new Phrase("You are not mapped to an IAM user."));
        return await boundary.ProblemAsync(user, cancellationToken) is { } problem ? throw AccessException.Invalid("iamUser", problem) : user;
    }

    private async Task<Dictionary<string, Phrase[]>> CheckAsync(string? instanceId, int? minutes, string? reason, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, Phrase[]>();
        var max = options.Value.MaxDurationMinutes;
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            errors["targetInstanceId"] = [new Phrase("Choose the bastion.")];
        }
        else if (!(await bastions.ListAsync(cancellationToken)).Contains(instanceId, StringComparer.Ordinal))
        {
            errors["targetInstanceId"] = [new Phrase("{0} is not a bastion the portal grants access to.", instanceId)];
        }

        if (minutes is not { } m || m < 1 || m > max)
        {
            errors["durationMinutes"] = [new Phrase("Ask for 1 to {0:N0} minutes ({1:0.#} hours).", max, max / 60.0)];
        }

        if (AccessInput.ReasonProblem(reason, new Phrase("Say why you need access.")) is { } problem)
        {
            errors["reason"] = [problem];
        }

        return errors;
    }

    private async Task<AccessRequestRecord> AddAsync(AccessRequestRecord record, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AccessRequests.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    private async Task<AccessRequestRecord> LoadAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AccessRequests.AsNoTracking().Include(r => r.Decisions).SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new AccessException(AccessRefusal.NotFound, new Phrase("There is no request {0}.", id));
    }

    private static Phrase What(AccessRequestRecord request) => request.Kind switch
    {
        AccessRequestKind.Extension => new Phrase("Your extension of grant {0} (request {1})", request.ExtendsGrantId, request.Id),
        AccessRequestKind.Direct => new Phrase("Your direct grant to {0} (request {1})", request.IamUser, request.Id),
        _ => new Phrase("Request {0}", request.Id),
    };

    private static AccessRequest ToRequest(AccessRequestRecord r) => new(
        r.Id,
        r.State,
        r.Requester,
        r.IamUser,
        r.TargetInstanceId,
        r.DurationMinutes,
        r.Reason,
        r.Ticket,
        r.CreatedAt,
        r.DecidedAt,
        [.. r.Decisions.OrderBy(d => d.At).ThenBy(d => d.Id).Select(d => new AccessDecision(d.Approver, d.Approved, d.Comment, d.At))],
        r.GrantId,
        r.Kind,
        r.PrincipalType,
        r.ExtendsGrantId,
        r.BreakGlass);

    internal static string RequestTarget(long id) => $"request/{id.ToString(CultureInfo.InvariantCulture)}";
}

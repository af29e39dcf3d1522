using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// The <c>Grants</c> table: the one place grant rows are read and moved. Every change of state is a conditional update
/// from the states it may leave, so two replicas or two approvers never both move a grant.
/// </summary>
internal sealed class GrantStore(IDbContextFactory<PortalDbContext> contexts)
{
    private static readonly GrantState[] Live = [GrantState.Active, GrantState.Approved];

    /// <summary>Adds a grant inside the caller's transaction (a request's approval makes its grant in the same commit).</summary>
    public static void Add(PortalDbContext db, GrantRecord grant) => db.Grants.Add(grant);

    public async Task<GrantRecord> AddAsync(GrantRecord grant, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        Add(db, grant);
        await db.SaveChangesAsync(cancellationToken);
        return grant;
    }

    /// <exception cref="AccessException">No such grant (NotFound).</exception>
    public async Task<GrantRecord> LoadAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken)
            ?? throw new AccessException(AccessRefusal.NotFound, new Phrase("There is no grant {0}.", id.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Grants, newest first: one person's, or all.</summary>
    public async Task<List<GrantRecord>> ListAsync(string? person, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Grants.AsNoTracking();
        if (person is not null)
        {
            query = query.Where(g => g.Person == person);
        }

        return await query.OrderByDescending(g => g.Id).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>Grants on a bastion whose window held <paramref name="at"/>, whatever they became since.</summary>
    public async Task<List<GrantRecord>> HeldAtAsync(string target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking()
            .Where(g => g.TargetInstanceId == target && g.StartsAt <= at && g.ExpiresAt > at && (g.EndedAt == null || g.EndedAt > at) && g.State != GrantState.Approved)
            .OrderByDescending(g => g.PrincipalType).ThenByDescending(g => g.Id) // "User" before "Group": a person's own grant first
            .ToListAsync(cancellationToken);
    }

    /// <summary>Active grants whose window holds <paramref name="now"/>.</summary>
    public async Task<List<GrantRecord>> ActiveAsync(DateTimeOffset now, long? excluding, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking()
            .Where(g => g.State == GrantState.Active && g.StartsAt <= now && g.ExpiresAt > now && g.Id != excluding)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Grants the portal believes are in IAM, or should be (Active or Approved).</summary>
    public async Task<List<GrantRecord>> LiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking().Where(g => Live.Contains(g.State)).ToListAsync(cancellationToken);
    }

    /// <summary>Active or approved grants past their expiry.</summary>
    public async Task<List<GrantRecord>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking().Where(g => Live.Contains(g.State) && g.ExpiresAt <= now).ToListAsync(cancellationToken);
    }

    /// <summary>Active grants of a person that end within the warning and have not been warned of.</summary>
    public async Task<List<GrantRecord>> EndingUnwarnedAsync(DateTimeOffset now, DateTimeOffset soon, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking()
            .Where(g => g.State == GrantState.Active && g.WarnedAt == null && g.ExpiresAt <= soon && g.ExpiresAt > now && g.Person != null)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Ended grants whose bastion is still swept: ended since <paramref name="followUpSince"/>, or not yet cleared since <paramref name="retrySince"/>.</summary>
    public async Task<List<GrantRecord>> SweepingAsync(DateTimeOffset followUpSince, DateTimeOffset retrySince, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking()
            .Where(g => (g.State == GrantState.Revoked || g.State == GrantState.Expired) && g.EndedAt != null
                && (g.EndedAt >= followUpSince || (g.SessionsClearedAt == null && g.EndedAt >= retrySince)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Break-glass grants no other approver has acknowledged.</summary>
    public async Task<List<GrantRecord>> AwaitingReviewAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking().Where(g => g.BreakGlass && g.ReviewedBy == null).OrderBy(g => g.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Approved to Active once IAM holds the policy; clears the last error.</summary>
    public Task<bool> ActivatedAsync(long id, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && g.State == GrantState.Approved,
        u => u.SetProperty(g => g.State, GrantState.Active).SetProperty(g => g.ErrorCode, (string?)null).SetProperty(g => g.Error, (string?)null),
        cancellationToken);

    /// <summary>Active or Approved to Revoked or Expired; false when someone else ended it first.</summary>
    public Task<bool> EndAsync(long id, GrantState state, string? revokedBy, DateTimeOffset at, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && (g.State == GrantState.Active || g.State == GrantState.Approved),
        u => u.SetProperty(g => g.State, state).SetProperty(g => g.RevokedBy, revokedBy).SetProperty(g => g.EndedAt, at),
        cancellationToken);

    /// <summary>What ending the grant did to its sessions; <paramref name="clearedAt"/> when none is left.</summary>
    public Task<bool> SessionsEndedAsync(long id, string note, DateTimeOffset? clearedAt, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id,
        u => u.SetProperty(g => g.Note, note).SetProperty(g => g.SessionsClearedAt, clearedAt),
        cancellationToken);

    /// <summary>A sweep found none of the ended grant's sessions left: the error it kept goes.</summary>
    public Task<bool> SessionsClearedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && g.SessionsClearedAt == null,
        u => u.SetProperty(g => g.SessionsClearedAt, at).SetProperty(g => g.ErrorCode, (string?)null).SetProperty(g => g.Error, (string?)null),
        cancellationToken);

    public Task<bool> ErrorAsync(long id, string code, string message, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id,
        u => u.SetProperty(g => g.ErrorCode, code).SetProperty(g => g.Error, AccessInput.Cut(message)),
        cancellationToken);

    public Task<bool> WarnedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && g.WarnedAt == null,
        u => u.SetProperty(g => g.WarnedAt, at),
        cancellationToken);

    public Task<bool> MissingAsync(long id, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && !g.MissingInIam,
        u => u.SetProperty(g => g.MissingInIam, true),
        cancellationToken);

    /// <summary>A later expiry for an active grant whose window has not closed; the expiry warning is due again.</summary>
    public Task<bool> ExtendedAsync(long id, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && g.State == GrantState.Active && g.ExpiresAt == from,
        u => u.SetProperty(g => g.ExpiresAt, to).SetProperty(g => g.WarnedAt, (DateTimeOffset?)null).SetProperty(g => g.ErrorCode, (string?)null).SetProperty(g => g.Error, (string?)null),
        cancellationToken);

    public Task<bool> ReviewedAsync(long id, string reviewer, string? comment, DateTimeOffset at, CancellationToken cancellationToken) => UpdateAsync(
        g => g.Id == id && g.BreakGlass && g.ReviewedBy == null,
        u => u.SetProperty(g => g.ReviewedBy, reviewer).SetProperty(g => g.ReviewComment, comment).SetProperty(g => g.ReviewedAt, at),
        cancellationToken);

    private async Task<bool> UpdateAsync(
        System.Linq.Expressions.Expression<Func<GrantRecord, bool>> where,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<GrantRecord>> set,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.Where(where).ExecuteUpdateAsync(set, cancellationToken) == 1;
    }
}

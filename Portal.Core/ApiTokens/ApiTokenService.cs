using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Identity;
using Portal.Core.Persistence;

namespace Portal.Core.ApiTokens;

internal sealed class ApiTokenService(IDbContextFactory<PortalDbContext> contexts, IAuditTrail audit, TimeProvider time) : IApiTokenService
{
    /// <summary>Every token starts so; secret scanners and people can tell what it is.</summary>
    internal const string TokenPrefix = "bpt_";

    public async Task<IssuedApiToken> IssueAsync(ApiTokenRequest request, string issuedBy, IReadOnlyCollection<string> issuerRoles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(issuerRoles);
        Validate(request);

        var role = PortalRoles.Normalize(request.Role) ?? throw new ArgumentException($"'{request.Role}' is not a portal role.", nameof(request));
        if (!issuerRoles.Contains(role, StringComparer.Ordinal))
        {
            throw new ArgumentException(ApiTokenRoles.NotHeld(role, issuerRoles), nameof(request));
        }

        return await IssueAsync(request.Name, [role], null, null, request.ExpiresInDays, issuedBy, cancellationToken);
    }

    public async Task<IssuedApiToken> IssueForPersonAsync(PersonTokenRequest request, string issuedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = request.Person?.Trim() ?? string.Empty;
        if (person.Length is 0 or > 256 || person.Any(char.IsControl) || person.StartsWith("token:", StringComparison.Ordinal))
        {
            throw new ArgumentException("--person must be 1 to 256 characters without control characters (the name the audit trail and grants use for them).", nameof(request));
        }

        var roles = new List<string>();
        foreach (var role in request.Roles ?? [])
        {
            roles.Add(PortalRoles.Normalize(role.Trim()) ?? throw new ArgumentException($"--roles: '{role}' is not a portal role ({string.Join(", ", PortalRoles.All)}).", nameof(request)));
        }

        if (roles.Count == 0)
        {
            throw new ArgumentException($"--roles: give at least one of {string.Join(", ", PortalRoles.All)}.", nameof(request));
        }

        var iamUser = request.IamUser?.Trim() is { Length: > 0 } given ? given : person;
        if (!Aws.Iam.IamNames.IsValidUserName(iamUser))
        {
            throw new ArgumentException($"--iam-user: '{iamUser}' is not a valid IAM user name (1 to 64 letters, digits and +=,.@_-){(request.IamUser is null ? "; the person's name is used when --iam-user is not given" : string.Empty)}.", nameof(request));
        }

        var name = request.Name ?? $"{new string([.. person.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]).TrimStart('.', '_', '-')}-cli";
        var named = new ApiTokenRequest { Name = name.Length > 64 ? name[^64..].TrimStart('.', '_', '-') : name, Role = roles[0], ExpiresInDays = request.Days };
        Validate(named);
        return await IssueAsync(named.Name, roles, person, iamUser, request.Days, issuedBy, cancellationToken);
    }

    private async Task<IssuedApiToken> IssueAsync(string name, IReadOnlyCollection<string> roles, string? person, string? iamUser, int days, string issuedBy, CancellationToken cancellationToken)
    {
        // 32 random bytes: the hash needs no salt or stretching, since nobody can guess such a token.
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var ordered = PortalRoles.All.Where(roles.Contains).ToList();
        var entity = new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = name,
            Roles = string.Join(',', ordered),
            Person = person,
            IamUser = iamUser,
            TokenHash = Hash(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            IssuedBy = issuedBy,
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
        };

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.ApiTokens.Add(entity);
            await db.SaveChangesAsync(cancellationToken);
        }

        var who = person is null ? string.Empty : $"acts as {person} (IAM user {iamUser}), ";
        await audit.RecordAsync(new AuditRecord(issuedBy, "token.issue", entity.Name, AuditOutcome.Succeeded, $"{who}{(ordered.Count == 1 ? "role" : "roles")} {entity.Roles}, expires {entity.ExpiresAt:u}"), cancellationToken);
        return new IssuedApiToken(ToInfo(entity), token);
    }

    private static void Validate(ApiTokenRequest request)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true))
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => e.ErrorMessage)), nameof(request));
        }
    }

    public async Task<ApiTokenIdentity?> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }

        var hash = Hash(token);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (entity is null || entity.RevokedAt is not null || entity.ExpiresAt <= now)
        {
            return null;
        }

        // Once a minute is enough to show which tokens are in use, without a write on every call.
        if (entity.LastUsedAt is null || now - entity.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            entity.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new ApiTokenIdentity(entity.Id, entity.Name, SplitRoles(entity.Roles), entity.Person, entity.IamUser);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tokens = await db.ApiTokens.AsNoTracking().ToListAsync(cancellationToken);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).Select(ToInfo)];
    }

    public async Task<bool> RevokeAsync(Guid id, string revokedBy, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (entity is null || entity.RevokedAt is not null)
        {
            return false;
        }

        entity.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(new AuditRecord(revokedBy, "token.revoke", entity.Name, AuditOutcome.Succeeded), cancellationToken);
        return true;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ApiTokenInfo ToInfo(ApiToken t) =>
        new(t.Id, t.Name, SplitRoles(t.Roles), t.Prefix, t.IssuedBy, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.Person, t.IamUser);

    private static string[] SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

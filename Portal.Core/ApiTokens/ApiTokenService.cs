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
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true))
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => e.ErrorMessage)), nameof(request));
        }

        var role = PortalRoles.Normalize(request.Role) ?? throw new ArgumentException($"'{request.Role}' is not a portal role.", nameof(request));
        if (!issuerRoles.Contains(role, StringComparer.Ordinal))
        {
            throw new ArgumentException(ApiTokenRoles.NotHeld(role, issuerRoles), nameof(request));
        }

        // 32 random bytes: the hash needs no salt or stretching, since nobody can guess such a token.
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var entity = new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = request.Name,
            Role = role,
            TokenHash = Hash(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            IssuedBy = issuedBy,
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ExpiresInDays),
        };

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.ApiTokens.Add(entity);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.RecordAsync(new AuditRecord(issuedBy, "token.issue", entity.Name, AuditOutcome.Succeeded, $"role {role}, expires {entity.ExpiresAt:u}"), cancellationToken);
        return new IssuedApiToken(ToInfo(entity), token);
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

        return new ApiTokenIdentity(entity.Id, entity.Name, entity.Role);
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
        new(t.Id, t.Name, t.Role, t.Prefix, t.IssuedBy, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}

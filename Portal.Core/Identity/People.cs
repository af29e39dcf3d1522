using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Identity;

/// <summary>What the provider issued at sign-in, kept (encrypted) to read the person's roles again later.</summary>
/// <param name="AccessToken">For the userinfo endpoint.</param>
/// <param name="RefreshToken">For a new access token once it expires; <see langword="null"/> without <c>offline_access</c>.</param>
/// <param name="ExpiresAt">When the access token expires, if the provider said.</param>
public sealed record OidcTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt);

/// <summary>A signed-in person as the portal keeps them between role checks.</summary>
/// <param name="Name">The portal's name for them.</param>
/// <param name="Roles">The roles last read.</param>
/// <param name="RolesCheckedAt">When.</param>
/// <param name="Revoked">The provider refused their tokens: they sign in again.</param>
/// <param name="Tokens">The tokens to read them again with, if any.</param>
public sealed record PersonState(string Name, IReadOnlyList<string> Roles, DateTimeOffset RolesCheckedAt, bool Revoked, OidcTokens? Tokens);

/// <summary>People who sign in with OpenID Connect, by issuer and subject (never by a user name the provider may reuse).</summary>
public interface IPeople
{
    /// <summary>
    /// Records a sign-in and returns the portal's name for the person: the one they had, or <paramref name="userName"/>
    /// when new, with <c>~2</c>, <c>~3</c>... when someone else (another subject) already has it.
    /// </summary>
    Task<string> SignedInAsync(string issuer, string subject, string userName, IReadOnlyCollection<string> roles, OidcTokens? tokens, CancellationToken cancellationToken = default);

    /// <summary>The person's state, or <see langword="null"/> when nobody by that name signed in with OpenID Connect.</summary>
    Task<PersonState?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Records roles read again (and new tokens if they were refreshed), or that the provider refused the tokens.</summary>
    Task RecordCheckAsync(string name, IReadOnlyCollection<string>? roles, DateTimeOffset checkedAt, OidcTokens? tokens, CancellationToken cancellationToken = default);
}

internal sealed class People(IDbContextFactory<PortalDbContext> contexts, IDataProtectionProvider protection, TimeProvider time) : IPeople
{
    private readonly IDataProtector _protector = protection.CreateProtector("Portal.Core.Identity.People.Tokens");

    public async Task<string> SignedInAsync(string issuer, string subject, string userName, IReadOnlyCollection<string> roles, OidcTokens? tokens, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        var now = time.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var person = await db.People.SingleOrDefaultAsync(p => p.Issuer == issuer && p.Subject == subject, cancellationToken);
            if (person is null)
            {
                person = new PersonRecord { Issuer = issuer, Subject = subject, Name = await FreeNameAsync(db, Clip(userName, 250), cancellationToken), FirstSeenAt = now };
                db.People.Add(person);
            }

            person.Roles = string.Join(',', roles);
            person.RolesCheckedAt = now;
            person.RevokedAt = null;
            person.Tokens = tokens is null ? null : _protector.Protect(JsonSerializer.Serialize(tokens));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return person.Name;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The same person on two replicas at once, or two new people wanting one name: read again.
            }
        }
    }

    public async Task<PersonState?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (person is null)
        {
            return null;
        }

        OidcTokens? tokens = null;
        if (person.Tokens is { } stored)
        {
            try
            {
                tokens = JsonSerializer.Deserialize<OidcTokens>(_protector.Unprotect(stored));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Written under a key the ring no longer has: the person signs in again.
            }
        }

        return new PersonState(person.Name, [.. person.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries)], person.RolesCheckedAt, person.RevokedAt is not null, tokens);
    }

    public async Task RecordCheckAsync(string name, IReadOnlyCollection<string>? roles, DateTimeOffset checkedAt, OidcTokens? tokens, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var person = await db.People.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (person is null)
        {
            return;
        }

        person.RolesCheckedAt = checkedAt;
        if (roles is null)
        {
            person.RevokedAt = checkedAt;
            person.Tokens = null;
        }
        else
        {
            person.Roles = string.Join(',', roles);
            if (tokens is not null)
            {
                person.Tokens = _protector.Protect(JsonSerializer.Serialize(tokens));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<string> FreeNameAsync(PortalDbContext db, string wanted, CancellationToken cancellationToken)
    {
        var taken = await db.People.Where(p => p.Name == wanted || p.Name.StartsWith(wanted + "~")).Select(p => p.Name).ToListAsync(cancellationToken);
        if (!taken.Contains(wanted, StringComparer.Ordinal))
        {
            return wanted;
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{wanted}~{n}";
            if (!taken.Contains(candidate, StringComparer.Ordinal))
            {
                return candidate;
            }
        }
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}

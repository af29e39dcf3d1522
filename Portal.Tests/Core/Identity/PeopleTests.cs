using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Identity;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Identity;

/// <summary>The people directory on SQLite.</summary>
public sealed class SqlitePeopleTests() : PeopleTests(DatabaseProvider.Sqlite);

/// <summary>The people directory on PostgreSQL (a throwaway cluster).</summary>
public sealed class PostgreSqlPeopleTests() : PeopleTests(DatabaseProvider.PostgreSql);

public abstract class PeopleTests : IDisposable
{
    private const string Issuer = "https://login.example.com/realms/ops";
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly People _people;

    private protected PeopleTests(DatabaseProvider provider)
    {
        _database = new TestDatabase(provider);
        _people = new People(_database, new EphemeralDataProtectionProvider(), _time);
    }

    [Fact]
    public async Task APersonIsTheirIssuerAndSubject_NotTheirUserName()
    {
        Assert.Equal("jane", await _people.SignedInAsync(Issuer, "sub-1", "jane", ["Auditor"], null));

        // Renamed at the provider: still the portal's "jane", so her requests, grants and notices stay hers.
        Assert.Equal("jane", await _people.SignedInAsync(Issuer, "sub-1", "jane.doe", ["Auditor"], null));

        // Someone new who is given the user name "jane" later does not become her.
        Assert.Equal("jane~2", await _people.SignedInAsync(Issuer, "sub-2", "jane", ["Requester"], null));
        Assert.Equal("jane~3", await _people.SignedInAsync("https://other.example.com", "sub-1", "jane", [], null));
        Assert.Equal("jane~2", await _people.SignedInAsync(Issuer, "sub-2", "jane", ["Requester"], null));
    }

    [Fact]
    public async Task TheTokensAreKeptEncrypted_AndAChecksRolesAndRefusalAreRecorded()
    {
        var tokens = new OidcTokens("access-secret", "refresh-secret", _time.GetUtcNow().AddHours(1));
        await _people.SignedInAsync(Issuer, "sub-9", "raj", ["Auditor"], tokens);

        await using (var db = _database.CreateDbContext())
        {
            var stored = Assert.Single(db.People);
            Assert.DoesNotContain("access-secret", stored.Tokens, StringComparison.Ordinal);
        }

        var state = await _people.GetAsync("raj");
        Assert.NotNull(state);
        Assert.Equal(["Auditor"], state.Roles);
        Assert.Equal(_time.GetUtcNow(), state.RolesCheckedAt);
        Assert.False(state.Revoked);
        Assert.Equal(tokens, state.Tokens);

        _time.Advance(TimeSpan.FromMinutes(5));
        await _people.RecordCheckAsync("raj", [], _time.GetUtcNow(), null);
        Assert.Empty((await _people.GetAsync("raj"))!.Roles);

        await _people.RecordCheckAsync("raj", null, _time.GetUtcNow(), null);
        var refused = await _people.GetAsync("raj");
        Assert.True(refused!.Revoked);
        Assert.Null(refused.Tokens);
        Assert.Null(await _people.GetAsync("nobody"));
    }

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }
}

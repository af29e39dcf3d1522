using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.ApiTokens;
using Portal.Core.Audit;
using Portal.Core.Identity;
using Portal.Core.Persistence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.ApiTokens;

/// <summary>API tokens on SQLite.</summary>
public sealed class SqliteApiTokenServiceTests() : ApiTokenServiceTests(DatabaseProvider.Sqlite);

/// <summary>API tokens on PostgreSQL (a throwaway cluster).</summary>
public sealed class PostgreSqlApiTokenServiceTests() : ApiTokenServiceTests(DatabaseProvider.PostgreSql);

public abstract class ApiTokenServiceTests : IDisposable
{
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly AuditTrail _audit;
    private readonly ApiTokenService _tokens;

    private protected ApiTokenServiceTests(DatabaseProvider provider)
    {
        _database = new TestDatabase(provider);
        _audit = new AuditTrail(_database, _time, NullLogger<AuditTrail>.Instance);
        _tokens = new ApiTokenService(_database, _audit, _time);
    }

    [Fact]
    public async Task IssueAsync_ThenValidate_ActsWithTheRole()
    {
        var issued = await _tokens.IssueAsync(new ApiTokenRequest { Name = "ci-export", Role = "auditor", ExpiresInDays = 7 }, "alice", PortalRoles.All);

        var identity = await _tokens.ValidateAsync(issued.Token);

        Assert.StartsWith(ApiTokenService.TokenPrefix, issued.Token, StringComparison.Ordinal);
        Assert.NotNull(identity);
        Assert.Equal([PortalRoles.Auditor], identity.Roles);
        Assert.Equal("ci-export", identity.Name);
        Assert.Equal("token:ci-export", identity.Actor);
        Assert.Null(identity.IamUser);
        Assert.Equal(_time.GetUtcNow().AddDays(7), issued.Info.ExpiresAt);
        Assert.Contains((await _audit.QueryAsync(new AuditQuery { Action = "token.issue" })).Items, e => e.Actor == "alice" && e.Target == "ci-export");
    }

    [Fact]
    public async Task IssueAsync_StoresOnlyTheHash()
    {
        var issued = await _tokens.IssueAsync(new ApiTokenRequest { Name = "hash-only", Role = PortalRoles.Admin }, "alice", PortalRoles.All);

        await using var db = _database.CreateDbContext();
        var stored = await db.ApiTokens.SingleAsync();

        Assert.Equal(ApiTokenService.Hash(issued.Token), stored.TokenHash);
        Assert.DoesNotContain(issued.Token, stored.TokenHash + stored.Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_AfterExpiryOrRevoke_ReturnsNull()
    {
        var expiring = await _tokens.IssueAsync(new ApiTokenRequest { Name = "short", Role = PortalRoles.Auditor, ExpiresInDays = 1 }, "alice", PortalRoles.All);
        var revoked = await _tokens.IssueAsync(new ApiTokenRequest { Name = "revoked", Role = PortalRoles.Auditor, ExpiresInDays = 30 }, "alice", PortalRoles.All);

        Assert.True(await _tokens.RevokeAsync(revoked.Info.Id, "alice"));
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Null(await _tokens.ValidateAsync(expiring.Token));
        Assert.Null(await _tokens.ValidateAsync(revoked.Token));
        Assert.False(await _tokens.RevokeAsync(revoked.Info.Id, "alice"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sandbox-carol")]
    [InlineData("bpt_not-a-real-token")]
    public async Task ValidateAsync_Unknown_ReturnsNull(string token) =>
        Assert.Null(await _tokens.ValidateAsync(token));

    [Theory]
    [InlineData("", "Auditor", 30)]
    [InlineData("has spaces", "Auditor", 30)]
    [InlineData("ok", "Superuser", 30)]
    [InlineData("ok", "Auditor", 0)]
    [InlineData("ok", "Auditor", 366)]
    public async Task IssueAsync_InvalidRequest_ThrowsAndStoresNothing(string name, string role, int days)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _tokens.IssueAsync(new ApiTokenRequest { Name = name, Role = role, ExpiresInDays = days }, "alice", PortalRoles.All));

        Assert.Empty(await _tokens.ListAsync());
    }

    [Fact]
    public async Task IssueAsync_WithARoleTheIssuerDoesNotHold_ThrowsAndStoresNothing()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _tokens.IssueAsync(new ApiTokenRequest { Name = "take-approver", Role = PortalRoles.Approver }, "alice", [PortalRoles.Admin]));

        Assert.Contains("only with a role you hold (Admin)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _tokens.ListAsync());
    }

    [Fact]
    public async Task IssueForPersonAsync_ActsAsThePersonWithEveryRole_AndTheirNameAsIamUser()
    {
        var issued = await _tokens.IssueForPersonAsync(new PersonTokenRequest("alice", ["approver", "Admin"], 7), "cli:root@host");

        var identity = await _tokens.ValidateAsync(issued.Token);

        Assert.NotNull(identity);
        Assert.Equal([PortalRoles.Admin, PortalRoles.Approver], identity.Roles);
        Assert.Equal("alice", identity.Actor);
        Assert.Equal("alice", identity.IamUser);
        Assert.Equal("alice-cli", issued.Info.Name);
        Assert.Equal(_time.GetUtcNow().AddDays(7), issued.Info.ExpiresAt);
        var audited = Assert.Single((await _audit.QueryAsync(new AuditQuery { Action = "token.issue" })).Items);
        Assert.Equal("cli:root@host", audited.Actor);
        Assert.Contains("acts as alice (IAM user alice), roles Admin,Approver", audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueForPersonAsync_WithAnIamUser_KeepsIt()
    {
        var issued = await _tokens.IssueForPersonAsync(new PersonTokenRequest("Dave Ops", [PortalRoles.Requester], 1, "dave", "deploy-bot"), "cli:root@host");

        var identity = await _tokens.ValidateAsync(issued.Token);

        Assert.Equal("dave", identity!.IamUser);
        Assert.Equal("Dave Ops", identity.Actor);
        Assert.Equal("deploy-bot", identity.Name);
    }

    [Theory]
    [InlineData("", "Admin", 7, null, "--person")]
    [InlineData("token:x", "Admin", 7, null, "--person")]
    [InlineData("alice", "", 7, null, "--roles")]
    [InlineData("alice", "Admin,Root", 7, null, "'Root' is not a portal role")]
    [InlineData("alice", "Admin", 0, null, "1 to 365 days")]
    [InlineData("Alice Smith", "Admin", 7, null, "--iam-user: 'Alice Smith'")]
    [InlineData("alice", "Admin", 7, "bad user", "--iam-user: 'bad user'")]
    public async Task IssueForPersonAsync_Invalid_NamesTheOptionAndStoresNothing(string person, string roles, int days, string? iamUser, string message)
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _tokens.IssueForPersonAsync(new PersonTokenRequest(person, roles.Split(',', StringSplitOptions.RemoveEmptyEntries), days, iamUser), "cli:root@host"));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _tokens.ListAsync());
    }

    public void Dispose() => _database.Dispose();
}

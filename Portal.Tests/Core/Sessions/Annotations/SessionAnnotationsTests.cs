using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Audit;
using Portal.Core.Persistence;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Redaction;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Core.Sessions.Annotations;

/// <summary>Annotations on SQLite.</summary>
public sealed class SqliteSessionAnnotationsTests() : SessionAnnotationsTests(DatabaseProvider.Sqlite);

/// <summary>Annotations on PostgreSQL (a throwaway cluster).</summary>
public sealed class PostgreSqlSessionAnnotationsTests() : SessionAnnotationsTests(DatabaseProvider.PostgreSql);

public abstract class SessionAnnotationsTests : IDisposable
{
    private const string Session = "carol-0123456789abcdef0";
    private const string Other = "dave-0fedcba9876543210";
    private readonly TestDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly AuditTrail _audit;
    private readonly SessionAnnotations _annotations;

    private protected SessionAnnotationsTests(DatabaseProvider provider)
    {
        _database = new TestDatabase(provider);
        _audit = new AuditTrail(_database, _time, NullLogger<AuditTrail>.Instance);
        _annotations = new SessionAnnotations(_database, _audit, new SecretMasker(Options.Create(new RedactionOptions())), _time);
    }

    [Fact]
    public async Task TagsBookmarksAndComments_AreListedInOrder_AndEachIsAudited()
    {
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, "  Looks like a key rotation.  ", 40, "[ssm-user@ip-10-0-1-23 ~]$ aws iam create-access-key"));
        _time.Advance(TimeSpan.FromMinutes(1));
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Bookmark, null, 12, "sudo -i"));
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, "Reviewed with the on-call."));
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Tag, "incident-42"));
        await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Tag, "unrelated"));

        var list = await _annotations.ListAsync(Session);
        Assert.Equal(["incident-42", "Reviewed with the on-call.", string.Empty, "Looks like a key rotation."], list.Select(a => a.Text));
        Assert.Equal([null, null, 12, 40], list.Select(a => a.Line));
        Assert.Equal("sudo -i", list[2].Quote);
        Assert.All(list, a => Assert.Equal("carol", a.Author));

        var audited = (await _audit.QueryAsync(new AuditQuery { Action = AuditActions.SessionAnnotate, Target = Session })).Items;
        Assert.Equal(4, audited.Count);
        Assert.Contains(audited, e => e.Detail == "comment on line 40: Looks like a key rotation.");
        Assert.Contains(audited, e => e.Detail == "bookmark on line 12");
        Assert.Contains(audited, e => e.Detail == "tag: incident-42");
    }

    [Fact]
    public async Task ATagIsNotAddedTwice_WhateverItsCase_AndFindsItsSessions()
    {
        var first = await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Tag, "Incident-42"));
        var again = await _annotations.AddAsync("alice", Session, new NewAnnotation(AnnotationKind.Tag, "incident-42"));
        await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Tag, "INCIDENT-42"));
        await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Tag, "needs-review"));

        Assert.Equal(first.Id, again.Id);
        Assert.Single(await _annotations.ListAsync(Session));
        Assert.Equal(["Incident-42", "needs-review"], await _annotations.TagsAsync());
        Assert.Equal([Session, Other], (await _annotations.SessionsTaggedAsync("incident-42")).Order(StringComparer.Ordinal));

        var summaries = await _annotations.SummariesAsync([Session, Other, "erin-0000000000000000a"]);
        Assert.Equal(["Incident-42"], summaries[Session].Tags);
        Assert.Equal(["INCIDENT-42", "needs-review"], summaries[Other].Tags);
        Assert.False(summaries.ContainsKey("erin-0000000000000000a"));
    }

    [Theory]
    [InlineData(AnnotationKind.Tag, "two words", null, "without spaces")]
    [InlineData(AnnotationKind.Tag, "", null, "1 to 40")]
    [InlineData(AnnotationKind.Tag, "on-a-line", 3, "not on a line")]
    [InlineData(AnnotationKind.Bookmark, "label", null, "say which")]
    [InlineData(AnnotationKind.Comment, "   ", null, "1 to 2,000")]
    [InlineData(AnnotationKind.Comment, "text", 0, "starts at 1")]
    public async Task ABadAnnotation_IsRefusedWithWhatToChange_AndNothingIsKept(AnnotationKind kind, string text, int? line, string message)
    {
        var refused = await Assert.ThrowsAsync<AnnotationException>(() => _annotations.AddAsync("carol", Session, new NewAnnotation(kind, text, line)));

        Assert.Equal(AnnotationRefusal.Invalid, refused.Refusal);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _annotations.HistoryAsync(Session));
    }

    [Fact]
    public async Task AComment_IsAtMost2000Characters()
    {
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, new string('x', 2000)));
        await Assert.ThrowsAsync<AnnotationException>(() => _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, new string('x', 2001))));
        await Assert.ThrowsAsync<ArgumentException>(() => _annotations.AddAsync("carol", "not a session id!", new NewAnnotation(AnnotationKind.Comment, "x")));
    }

    [Fact]
    public async Task OnlyTheAuthorOrAnAdminRemoves_AndTheRemovedStayOnRecord()
    {
        var comment = await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, "mine", 3));
        var tag = await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Tag, "keep"));

        var refused = await Assert.ThrowsAsync<AnnotationException>(() => _annotations.RemoveAsync("erin", mayRemoveAnyone: false, Session, comment.Id));
        Assert.Equal(AnnotationRefusal.NotYours, refused.Refusal);
        _time.Advance(TimeSpan.FromMinutes(5));
        await _annotations.RemoveAsync("carol", mayRemoveAnyone: false, Session, comment.Id);
        await _annotations.RemoveAsync("alice", mayRemoveAnyone: true, Session, tag.Id);
        var gone = await Assert.ThrowsAsync<AnnotationException>(() => _annotations.RemoveAsync("carol", mayRemoveAnyone: false, Session, comment.Id));
        Assert.Equal(AnnotationRefusal.NotFound, gone.Refusal);
        await Assert.ThrowsAsync<AnnotationException>(() => _annotations.RemoveAsync("alice", mayRemoveAnyone: true, Other, tag.Id)); // another session's id

        Assert.Empty(await _annotations.ListAsync(Session));
        Assert.Empty(await _annotations.TagsAsync());
        var history = await _annotations.HistoryAsync(Session);
        Assert.Equal(["carol", "alice"], history.Select(a => a.RemovedBy));
        Assert.All(history, a => Assert.Equal(_time.GetUtcNow(), a.RemovedAt));

        var removals = (await _audit.QueryAsync(new AuditQuery { Action = AuditActions.SessionAnnotationRemove, Target = Session })).Items;
        Assert.Equal([AuditOutcome.Succeeded, AuditOutcome.Succeeded, AuditOutcome.Denied], removals.Select(e => e.Outcome).Order());
    }

    [Fact]
    public async Task SearchFindsTextTagsAndQuotedLines_InAnyCase_AndNothingRemoved()
    {
        await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Comment, "Touched the PAYMENTS database", 7, "psql -h db.internal"));
        await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Tag, "Payments-Review"));
        var removed = await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Comment, "payments again"));
        await _annotations.RemoveAsync("carol", false, Other, removed.Id);
        await _annotations.AddAsync("carol", Other, new NewAnnotation(AnnotationKind.Comment, "監査済み: 問題なし"));

        Assert.Equal(["Payments-Review", "Touched the PAYMENTS database"], (await _annotations.SearchAsync("payments", 10)).Select(a => a.Text));
        Assert.Equal(Session, Assert.Single(await _annotations.SearchAsync("DB.INTERNAL", 10)).SessionId);
        Assert.Single(await _annotations.SearchAsync("問題", 10));
        Assert.Empty(await _annotations.SearchAsync("  ", 10));
    }

    [Fact]
    public async Task AQuote_IsKeptMasked_Cut_AndWithoutControlCharacters()
    {
        var added = await _annotations.AddAsync("carol", Session, new NewAnnotation(AnnotationKind.Bookmark, "key", 2, "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\t" + new string('y', 300)));

        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", added.Quote, StringComparison.Ordinal);
        Assert.StartsWith("export AWS_ACCESS_KEY_ID=••••", added.Quote, StringComparison.Ordinal);
        Assert.Equal(AnnotationLimits.MaxQuoteLength, added.Quote!.Length);
        Assert.DoesNotContain('\t', added.Quote);
        Assert.Empty(await _annotations.SearchAsync("AKIAIOSFODNN7EXAMPLE", 10)); // nor found by the secret
    }

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }
}

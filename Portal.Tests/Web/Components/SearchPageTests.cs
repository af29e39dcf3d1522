using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Redaction;
using Portal.Tests.TestSupport;
using SearchPageComponent = Portal.Web.Components.Pages.Search.SearchPage;

namespace Portal.Tests.Web.Components;

/// <summary>
/// The search page over fakes: a submitted query is searched once, notes and transcripts side by side, the address
/// takes the query, and the search is on the audit trail.
/// </summary>
public sealed class SearchPageTests : PortalBunitContext
{
    private readonly FakeIndex _index = new();
    private readonly FakeAnnotations _annotations = new();
    private readonly FakeAudit _audit = new();

    public SearchPageTests()
    {
        SignIn("carol", "Auditor");
        Services.AddSingleton<ISessionIndex>(_index);
        Services.AddSingleton<ISessionAnnotations>(_annotations);
        Services.AddSingleton<IAuditTrail>(_audit);
        Services.AddSingleton<ISessionIndexStatus>(new IdleStatus());
        Services.AddSingleton(new SecretMasker(Options.Create(new RedactionOptions())));
    }

    [Fact]
    public void Submit_SearchesOnce_NotesBesideTranscripts_AndPutsTheQueryInTheAddress()
    {
        var notes = new TaskCompletionSource<IReadOnlyList<SessionAnnotation>>();
        _annotations.Answer = notes.Task;
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/search");
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<SearchPageComponent>();

        page.Find("input[data-testid=search-input]").Input("10.0.1.23");
        page.Find("form").Submit();

        // The transcripts are searched while the notes are still being searched.
        page.WaitForAssertion(() => Assert.Equal(["10.0.1.23"], _index.Searched));
        notes.SetResult([new SessionAnnotation(1, "carol-0123456789abcdef0", AnnotationKind.Comment, 3, null, "route to 10.0.1.23 changed", "bob", DateTimeOffset.UnixEpoch)]);

        page.WaitForAssertion(() => Assert.Contains("No indexed transcript contains", page.Find("[data-testid=search-summary]").TextContent, StringComparison.Ordinal));
        Assert.Contains("route to 10.0.1.23 changed", page.Find("[data-testid=search-annotations]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(AuditActions.SessionsSearch, Assert.Single(_audit.Records).Action));
        Assert.EndsWith("/search?q=10.0.1.23", navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(["10.0.1.23"], _index.Searched); // once, not again when the address came back
    }

    private sealed class FakeIndex : ISessionIndex
    {
        public List<string> Searched { get; } = [];

        public Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
        {
            Searched.Add(request.Query);
            return Task.FromResult(new SearchPage(request.Query, [], null, true, 0));
        }

        public Task<SessionQueryPage> QueryAsync(SessionQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionDetail?> GetAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionStatistics> StatisticsAsync(DateTimeOffset now, int days = 30, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Instances)> FacetsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class FakeAnnotations : ISessionAnnotations
    {
        public Task<IReadOnlyList<SessionAnnotation>> Answer { get; set; } = Task.FromResult<IReadOnlyList<SessionAnnotation>>([]);

        public Task<IReadOnlyList<SessionAnnotation>> SearchAsync(string text, int take, CancellationToken cancellationToken = default) => Answer;

        public Task<IReadOnlyList<SessionAnnotation>> ListAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SessionAnnotation>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionAnnotation> AddAsync(string actor, string sessionId, NewAnnotation annotation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RemoveAsync(string actor, bool mayRemoveAnyone, string sessionId, long id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyCollection<string>> SessionsTaggedAsync(string tag, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, AnnotationSummary>> SummariesAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class FakeAudit : IAuditTrail
    {
        public List<AuditRecord> Records { get; } = [];

        public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Records.Add(record);
            return Task.CompletedTask;
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class IdleStatus : ISessionIndexStatus
    {
        public SessionIndexProgress Current { get; } = new(SessionIndexState.Idle, 0, 0, 0, 0, 0, null, null, null);

        public event Action<SessionIndexProgress>? Changed
        {
            add { }
            remove { }
        }

        public void RequestPass()
        {
        }

        public void RequestRebuild()
        {
        }
    }
}

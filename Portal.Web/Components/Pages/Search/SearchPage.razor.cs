using Portal.Core.Sessions.Annotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Audit;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Redaction;
using Portal.Web.Auth;

namespace Portal.Web.Components.Pages.Search;

public partial class SearchPage
{
    private const int ClipLength = 160;

    private const int MaxNotes = 50;
    private readonly List<SearchHit> _hits = [];
    private IReadOnlyList<SessionAnnotation> _notes = [];
    private string? _input;
    private string? _query;
    private int? _next;
    private bool _usedIndex = true;
    private int _scanned;
    private bool _busy;
    private string? _error;

    [Inject]
    private ISessionIndex Index { get; set; } = default!;

    [Inject]
    private ISessionAnnotations Annotations { get; set; } = default!;

    [Inject]
    private IAuditTrail Audit { get; set; } = default!;

    /// <summary>Masks secrets in the lines shown around each match, as the transcript page does.</summary>
    [Inject]
    private SecretMasker Masker { get; set; } = default!;

    private string? Mask(string? line) => line is null ? null : Masker.MaskLine(line);

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The query, so a search can be linked and bookmarked: <c>/search?q=rm%20-rf</c>.</summary>
    [SupplyParameterFromQuery(Name = "q")]
    public string? Q { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Q) && Q != _query)
        {
            _input = Q;
            await RunAsync(Q);
        }
    }

    private Task SubmitAsync()
    {
        if (string.IsNullOrWhiteSpace(_input))
        {
            _error = L["Type something to search for."];
            return Task.CompletedTask;
        }

        // The query runs at once and goes into the address so it can be shared: OnParametersSet, when the address
        // comes back, finds it already running and leaves it (results a round trip to the browser sooner).
        var query = _input;
        var run = RunAsync(query);
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", query));
        return run;
    }

    private async Task RunAsync(string query)
    {
        _hits.Clear();
        _next = null;
        _scanned = 0;
        _query = query;

        // Notes and transcripts are searched side by side; the page shows the results when the search is done, its
        // audit record written first.
        var notes = Annotations.SearchAsync(query, MaxNotes);
        var load = LoadAsync(0);
        await Task.WhenAll(notes, load);
        _notes = await notes;
        var user = (await AuthenticationState).User;
        await Audit.RecordAsync(new AuditRecord(user.ActorOf(), AuditActions.SessionsSearch, null, _error is null ? AuditOutcome.Succeeded : AuditOutcome.Failed, query));
    }

    private Task MoreAsync() => _next is { } next ? LoadAsync(next) : Task.CompletedTask;

    private async Task LoadAsync(int offset)
    {
        _busy = true;
        _error = null;
        try
        {
            var page = await Index.SearchAsync(new SearchRequest { Query = _query!, Offset = offset });
            _hits.AddRange(page.Hits);
            _next = page.NextOffset;
            _usedIndex = page.UsedIndex;
            _scanned += page.Scanned;
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message.Split(" (Parameter")[0];
        }
        finally
        {
            _busy = false;
        }
    }

    private static string TranscriptLink(string sessionId, int? row) =>
        $"/sessions/{Uri.EscapeDataString(sessionId)}" + (row is { } r ? $"#L{r}" : null);

    /// <summary>An annotation's place: its line (<c>#line-12</c>, which holds at any width), or the session.</summary>
    private static string AnnotationLink(SessionAnnotation note) =>
        $"/sessions/{Uri.EscapeDataString(note.SessionId)}" + (note.Line is { } line ? $"#line-{line}" : null);

    /// <summary>Long lines are cut around the match so a result stays one line on screen.</summary>
    private static string Clip(string text, bool fromEnd = false) =>
        text.Length <= ClipLength ? text : fromEnd ? "…" + text[^ClipLength..] : text[..ClipLength] + "…";
}

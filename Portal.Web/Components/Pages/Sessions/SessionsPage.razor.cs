using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Core.Access;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Coverage;
using Portal.Core.Sessions.Index;

namespace Portal.Web.Components.Pages.Sessions;

public partial class SessionsPage
{
    private MudDataGrid<SessionSummary>? _grid;
    private string? _text;
    private string? _user;
    private string? _instance;
    private string? _flag;
    private TranscriptIntegrity? _integrity;
    private CoverageState? _coverage;
    private DateRange? _range;
    private bool _filtered;
    private string? _error;
    private IReadOnlyList<string> _users = [];
    private IReadOnlyList<string> _instances = [];
    private SessionLogSource? _source;
    private string? _tag;
    private IReadOnlyList<string> _tags = [];
    private IReadOnlyList<Bastion> _bastions = [];
    private IReadOnlyDictionary<string, AnnotationSummary> _notes = new Dictionary<string, AnnotationSummary>();

    [Inject]
    private ISessionIndex Index { get; set; } = default!;

    [Inject]
    private ISessionLogLocation Location { get; set; } = default!;

    [Inject]
    private ISessionCoverage Coverage { get; set; } = default!;

    [Inject]
    private ISessionAnnotations Annotations { get; set; } = default!;

    [Inject]
    private IBastionDirectory Bastions { get; set; } = default!;

    [Inject]
    private IOptions<SessionFlagOptions> FlagOptions { get; set; } = default!;

    private string Source => _source?.ToString() ?? L["the log bucket"];

    private IEnumerable<string> FlagNames => FlagOptions.Value.Flags.Keys;

    /// <summary>Filters from the address, so the dashboard can link to a user's or an instance's sessions.</summary>
    [SupplyParameterFromQuery(Name = "user")]
    public string? UserFilter { get; set; }

    /// <summary>The instance filter from the address.</summary>
    [SupplyParameterFromQuery(Name = "instance")]
    public string? InstanceFilter { get; set; }

    /// <summary>The flag filter from the address.</summary>
    [SupplyParameterFromQuery(Name = "flag")]
    public string? FlagFilter { get; set; }

    /// <summary>The integrity filter from the address (intact, modified, truncated).</summary>
    [SupplyParameterFromQuery(Name = "integrity")]
    public string? IntegrityFilter { get; set; }

    /// <summary>The coverage filter from the address (recorded, unknown-origin).</summary>
    [SupplyParameterFromQuery(Name = "coverage")]
    public string? CoverageFilter { get; set; }

    /// <summary>The tag filter from the address.</summary>
    [SupplyParameterFromQuery(Name = "tag")]
    public string? TagFilter { get; set; }

    /// <summary>The text filter from the address.</summary>
    [SupplyParameterFromQuery(Name = "text")]
    public string? TextFilter { get; set; }

    protected override async Task OnInitializedAsync()
    {
        (_user, _instance, _flag, _text, _tag) = (UserFilter, InstanceFilter, FlagFilter, TextFilter, string.IsNullOrWhiteSpace(TagFilter) ? null : TagFilter);
        _integrity = Enum.TryParse<TranscriptIntegrity>(IntegrityFilter, ignoreCase: true, out var integrity) && Enum.IsDefined(integrity) ? integrity : null;
        _coverage = ISessionCoverage.Parse(CoverageFilter) is CoverageState.Recorded or CoverageState.UnknownOrigin ? ISessionCoverage.Parse(CoverageFilter) : null;
        (_users, _instances) = await Index.FacetsAsync();
        _tags = await Annotations.TagsAsync();
        _bastions = await BastionsAsync();
        _source = await Location.GetAsync();
    }

    private async Task<GridData<SessionSummary>> LoadAsync(GridState<SessionSummary> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new SessionQuery
        {
            Text = _text,
            User = _user,
            InstanceId = _instance,
            Flag = _flag,
            Integrity = _integrity,
            SessionIds = await SessionIdsAsync(cancellationToken),
            From = _range?.Start is { } start ? new DateTimeOffset(start.Date, TimeZoneInfo.Local.GetUtcOffset(start.Date)) : null,
            To = _range?.End is { } end ? new DateTimeOffset(end.Date.AddDays(1), TimeZoneInfo.Local.GetUtcOffset(end.Date)) : null,
            Sort = sort?.SortBy switch
            {
                nameof(SessionSummary.User) => SessionSort.User,
                nameof(SessionSummary.InstanceId) => SessionSort.Instance,
                nameof(SessionSummary.Size) => SessionSort.Size,
                nameof(SessionSummary.CommandCount) => SessionSort.Commands,
                _ => SessionSort.Ended,
            },
            Descending = sort?.Descending ?? true,
            Offset = state.Page * state.PageSize,
            Limit = Math.Min(state.PageSize, SessionQuery.MaxLimit),
        };
        _filtered = query.Text is { Length: > 0 } || query.User is not null || query.InstanceId is not null || query.Flag is not null || query.Integrity is not null || query.SessionIds is not null || query.From is not null;
        var page = await Index.QueryAsync(query, cancellationToken);
        _notes = await Annotations.SummariesAsync([.. page.Items.Select(s => s.SessionId)], cancellationToken);
        _error = null;
        return new GridData<SessionSummary> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>The sessions the coverage and tag filters allow (both when both are set); null when neither is set.</summary>
    private async Task<IReadOnlyCollection<string>?> SessionIdsAsync(CancellationToken cancellationToken)
    {
        var covered = _coverage is { } coverage ? await Coverage.SessionIdsAsync(coverage, cancellationToken) : null;
        if (_tag is null)
        {
            return covered;
        }

        var tagged = await Annotations.SessionsTaggedAsync(_tag, cancellationToken);
        return covered is null ? tagged : [.. tagged.Intersect(covered, StringComparer.Ordinal)];
    }

    private async Task TagChangedAsync(string? tag)
    {
        _tag = tag;
        await ReloadAsync();
    }

    /// <summary>The bastions with their Name tags; none when EC2 cannot be read (the list then shows ids alone).</summary>
    private async Task<IReadOnlyList<Bastion>> BastionsAsync()
    {
        try
        {
            return await Bastions.DescribeAsync();
        }
        catch (Portal.Core.Aws.AwsApiException)
        {
            return [];
        }
    }

    private string? NameOf(string? instanceId) => _bastions.FirstOrDefault(b => b.InstanceId == instanceId)?.Name;

    private AnnotationSummary? NotesOf(SessionSummary session) => _notes.GetValueOrDefault(session.SessionId);

    private Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    /// <summary>The index changed: the pickers' users and instances may have too.</summary>
    private async Task IndexedAsync()
    {
        (_users, _instances) = await Index.FacetsAsync();
        _tags = await Annotations.TagsAsync();
        _bastions = await BastionsAsync();
        _source = await Location.GetAsync();
        await ReloadAsync();
    }

    private Task UserChangedAsync(string? user)
    {
        _user = user;
        return ReloadAsync();
    }

    private Task InstanceChangedAsync(string? instance)
    {
        _instance = instance;
        return ReloadAsync();
    }

    private Task FlagChangedAsync(string? flag)
    {
        _flag = flag;
        return ReloadAsync();
    }

    private Task IntegrityChangedAsync(TranscriptIntegrity? integrity)
    {
        _integrity = integrity;
        return ReloadAsync();
    }

    private Task CoverageChangedAsync(CoverageState? coverage)
    {
        _coverage = coverage;
        return ReloadAsync();
    }

    private Task RangeChangedAsync(DateRange? range)
    {
        _range = range;
        return ReloadAsync();
    }

    /// <summary>A session's flags with the one the list is filtered by first.</summary>
    private List<string> FlagsFirst(IReadOnlyList<string> flags) =>
        _flag is { } wanted && flags.Contains(wanted) ? [wanted, .. flags.Where(f => f != wanted)] : [.. flags];
}

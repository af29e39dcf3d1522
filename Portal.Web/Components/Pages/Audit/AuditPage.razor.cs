using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Audit;

namespace Portal.Web.Components.Pages.Audit;

public partial class AuditPage
{
    private MudDataGrid<AuditEntry>? _grid;
    private string? _actor;
    private string? _action;
    private AuditOutcome? _outcome;
    private DateRange? _range;

    [Inject]
    private IAuditTrail Audit { get; set; } = default!;

    private async Task<GridData<AuditEntry>> LoadAsync(GridState<AuditEntry> state, CancellationToken cancellationToken)
    {
        var page = await Audit.QueryAsync(
            new AuditQuery
            {
                Actor = _actor,
                Action = _action,
                Outcome = _outcome,
                From = _range?.Start is { } start ? new DateTimeOffset(start.Date, TimeZoneInfo.Local.GetUtcOffset(start.Date)) : null,
                To = _range?.End is { } end ? new DateTimeOffset(end.Date.AddDays(1), TimeZoneInfo.Local.GetUtcOffset(end.Date)) : null,
                Skip = state.Page * state.PageSize,
                Take = state.PageSize,
            },
            cancellationToken);
        return new GridData<AuditEntry> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    private Task OutcomeChangedAsync(AuditOutcome? outcome)
    {
        _outcome = outcome;
        return ReloadAsync();
    }

    private Task RangeChangedAsync(DateRange? range)
    {
        _range = range;
        return ReloadAsync();
    }
}

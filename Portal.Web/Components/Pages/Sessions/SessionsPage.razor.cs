using Microsoft.AspNetCore.Components;
using Portal.Core.Aws;
using Portal.Core.Sessions;

namespace Portal.Web.Components.Pages.Sessions;

public partial class SessionsPage
{
    [Inject]
    private ISessionLogStore Store { get; set; } = default!;

    private readonly List<SessionLogObject> _items = [];
    private string? _next;
    private bool _loading;
    private AwsApiException? _error;

    protected override Task OnInitializedAsync() => Store.Bucket is null ? Task.CompletedTask : LoadMoreAsync();

    private async Task LoadMoreAsync()
    {
        _loading = true;
        try
        {
            var page = await Store.ListAsync(_next, 200);
            _items.AddRange(page.Items);
            _next = page.NextToken;
            _error = null;
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }
        finally
        {
            _loading = false;
        }
    }

    private static string FormatSize(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:F1} KiB" : $"{bytes / (1024.0 * 1024):F1} MiB";
}

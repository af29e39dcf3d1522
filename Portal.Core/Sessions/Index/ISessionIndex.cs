namespace Portal.Core.Sessions.Index;

/// <summary>
/// The local index of the log bucket: sessions, their commands and lines, derived from S3 and rebuildable from it.
/// Read by the sessions list, the search page, the dashboard and the API; written by <see cref="SessionIndexer"/>.
/// </summary>
public interface ISessionIndex
{
    /// <summary>One page of sessions matching the query.</summary>
    /// <exception cref="ArgumentException">A filter or the page is out of range.</exception>
    Task<SessionQueryPage> QueryAsync(SessionQuery query, CancellationToken cancellationToken = default);

    /// <summary>A session and its commands, or <see langword="null"/> when the index does not know it.</summary>
    Task<SessionDetail?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Finds a substring in every indexed transcript, newest sessions first.</summary>
    /// <exception cref="ArgumentException">The query is empty, too long or spans lines.</exception>
    Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sessions per day over the last <paramref name="days"/> days up to <paramref name="now"/>, top users and instances, latest flagged.</summary>
    Task<SessionStatistics> StatisticsAsync(DateTimeOffset now, int days = 30, CancellationToken cancellationToken = default);

    /// <summary>The distinct users and instances, for filter pickers.</summary>
    Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Instances)> FacetsAsync(CancellationToken cancellationToken = default);
}

namespace Portal.Core.Sessions.Index;

/// <summary>A session as the index knows it.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Key">The S3 key of its transcript.</param>
/// <param name="User">The IAM principal the session id names.</param>
/// <param name="Owner">The ARN of the principal that started it, when Session Manager reported it.</param>
/// <param name="InstanceId">The target instance, from Session Manager or the transcript's header.</param>
/// <param name="StartedAt">When the session started, when Session Manager reported it.</param>
/// <param name="EndedAt">When it ended: the <c>script</c> footer's time, else the upload time.</param>
/// <param name="Size">Transcript bytes.</param>
/// <param name="ETag">The object's ETag when indexed.</param>
/// <param name="LastModified">When S3 stored it.</param>
/// <param name="CommandCount">Commands typed.</param>
/// <param name="Flags">Risk flags raised by its commands.</param>
/// <param name="Title">The last terminal title set.</param>
/// <param name="Truncated">True when only the first part of a huge transcript was indexed.</param>
/// <param name="Error">Why the transcript could not be indexed, when it could not.</param>
/// <param name="Integrity">Whether the transcript is as the agent wrote it (the first version is what is indexed).</param>
/// <param name="Versions">How many versions of the object S3 holds.</param>
public sealed record SessionSummary(
    string SessionId,
    string Key,
    string User,
    string? Owner,
    string? InstanceId,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    long Size,
    string? ETag,
    DateTimeOffset? LastModified,
    int CommandCount,
    IReadOnlyList<string> Flags,
    string? Title,
    bool Truncated,
    string? Error,
    TranscriptIntegrity Integrity = TranscriptIntegrity.Intact,
    int Versions = 1)
{
    /// <summary>How long the session lasted, when both ends are known.</summary>
    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end && end >= start ? end - start : null;
}

/// <summary>A session with the commands typed in it.</summary>
/// <param name="Session">What the list shows.</param>
/// <param name="Commands">The commands, in order, each with its line and row.</param>
public sealed record SessionDetail(SessionSummary Session, IReadOnlyList<SessionCommand> Commands);

/// <summary>What the sessions list can be sorted by.</summary>
public enum SessionSort
{
    /// <summary>When the session ended (the default, newest first).</summary>
    Ended,

    /// <summary>The user.</summary>
    User,

    /// <summary>The target instance.</summary>
    Instance,

    /// <summary>Transcript size.</summary>
    Size,

    /// <summary>Number of commands.</summary>
    Commands,
}

/// <summary>Filters, order and page of a sessions listing. Every filter is optional.</summary>
public sealed record SessionQuery
{
    /// <summary>The most sessions one page may hold.</summary>
    public const int MaxLimit = 500;

    /// <summary>Sessions of this user (exact, case-insensitive).</summary>
    public string? User { get; init; }

    /// <summary>Sessions on this instance.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Sessions that ended at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Sessions that ended before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Sessions with this risk flag.</summary>
    public string? Flag { get; init; }

    /// <summary>Sessions whose transcript is intact, modified or truncated.</summary>
    public TranscriptIntegrity? Integrity { get; init; }

    /// <summary>Only these sessions (those in one coverage state, say); <see langword="null"/> for any.</summary>
    public IReadOnlyCollection<string>? SessionIds { get; init; }

    /// <summary>Sessions whose id, user, instance or commands contain this text (case-insensitive).</summary>
    public string? Text { get; init; }

    /// <summary>The order.</summary>
    public SessionSort Sort { get; init; } = SessionSort.Ended;

    /// <summary>Largest first when true (the default).</summary>
    public bool Descending { get; init; } = true;

    /// <summary>Sessions to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Sessions to return, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>One page of sessions and how many match in all.</summary>
/// <param name="Items">The page.</param>
/// <param name="Total">Sessions matching the filters.</param>
public sealed record SessionQueryPage(IReadOnlyList<SessionSummary> Items, int Total);

/// <summary>A search across every indexed transcript.</summary>
public sealed record SearchRequest
{
    /// <summary>The longest query accepted.</summary>
    public const int MaxQueryLength = 200;

    /// <summary>The shortest query the index answers; shorter ones are found by reading every transcript.</summary>
    public const int MinIndexedLength = 3;

    /// <summary>The substring to find, case-insensitive.</summary>
    public required string Query { get; init; }

    /// <summary>Where to continue: the <see cref="SearchPage.NextOffset"/> of the previous page.</summary>
    public int Offset { get; init; }

    /// <summary>Sessions per page, 1 to 100.</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Matching lines shown per session, 1 to 20.</summary>
    public int LinesPerSession { get; init; } = 3;

    /// <summary>Only sessions of this user.</summary>
    public string? User { get; init; }
}

/// <summary>One page of search results.</summary>
/// <param name="Query">The query.</param>
/// <param name="Hits">Sessions with matching lines, newest first.</param>
/// <param name="NextOffset">Where the next page starts, or <see langword="null"/> on the last page.</param>
/// <param name="UsedIndex">False when the query was shorter than the index's trigrams and every transcript was scanned.</param>
/// <param name="Scanned">Sessions checked for this page.</param>
public sealed record SearchPage(string Query, IReadOnlyList<SearchHit> Hits, int? NextOffset, bool UsedIndex, int Scanned);

/// <summary>A session that holds the query.</summary>
/// <param name="Session">The session.</param>
/// <param name="Lines">The first matching lines, with the lines around them.</param>
/// <param name="LineCount">How many lines match in all.</param>
public sealed record SearchHit(SessionSummary Session, IReadOnlyList<SearchLine> Lines, int LineCount);

/// <summary>A matching line in context.</summary>
/// <param name="Line">The logical line's index.</param>
/// <param name="Row">Its first physical row, zero-based: the transcript page's <c>#L</c> is this plus one.</param>
/// <param name="Before">The line before, if any.</param>
/// <param name="Text">The line.</param>
/// <param name="After">The line after, if any.</param>
/// <param name="MatchStart">Where in <paramref name="Text"/> the first match starts.</param>
/// <param name="MatchLength">Its length.</param>
public sealed record SearchLine(int Line, int Row, string? Before, string Text, string? After, int MatchStart, int MatchLength);

/// <summary>What the dashboard charts.</summary>
/// <param name="PerDay">Sessions per UTC day, oldest first, one entry per day including empty ones.</param>
/// <param name="TopUsers">The most active users and their session counts.</param>
/// <param name="TopInstances">The most used instances and their session counts.</param>
/// <param name="LatestFlagged">The latest sessions that raised a flag.</param>
/// <param name="Total">Sessions in the index.</param>
public sealed record SessionStatistics(
    IReadOnlyList<(DateOnly Day, int Sessions)> PerDay,
    IReadOnlyList<(string Name, int Sessions)> TopUsers,
    IReadOnlyList<(string Name, int Sessions)> TopInstances,
    IReadOnlyList<SessionSummary> LatestFlagged,
    int Total);

using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Portal.Core.Sessions.Coverage;

/// <summary>How a session stands on the record; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CoverageState>))]
public enum CoverageState
{
    /// <summary>Session Manager ran it and the bucket holds its transcript, as the agent wrote it.</summary>
    [JsonStringEnumMemberName("recorded")]
    Recorded,

    /// <summary>Session Manager ran a shell session, and no transcript came within the grace period.</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>A session whose document Session Manager never records (port forwarding, SSH).</summary>
    [JsonStringEnumMemberName("not-recorded-by-design")]
    NotRecordedByDesign,

    /// <summary>A transcript that no session Session Manager reports explains: written by someone else.</summary>
    [JsonStringEnumMemberName("unknown-origin")]
    UnknownOrigin,

    /// <summary>Recorded, without the agent's closing footer.</summary>
    [JsonStringEnumMemberName("truncated")]
    Truncated,

    /// <summary>Recorded, then written again or deleted.</summary>
    [JsonStringEnumMemberName("modified")]
    Modified,
}

/// <summary>One session, or one transcript, as the coverage check sees it.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Owner">Who started it, as Session Manager says (none for an unknown-origin transcript).</param>
/// <param name="Target">The instance.</param>
/// <param name="DocumentName">The session document, as Session Manager says.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="State">How it stands on the record.</param>
public sealed record CoverageItem(string SessionId, string? Owner, string? Target, string? DocumentName, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, CoverageState State);

/// <summary>What Session Manager says happened, against what the bucket holds.</summary>
/// <param name="CheckedAt">When.</param>
/// <param name="Since">The start of the window compared (Session Manager keeps about 30 days).</param>
/// <param name="Items">Every session and transcript in the window, newest first.</param>
/// <param name="Said">Why part of the picture is missing, when it is (Session Manager could not be read), in any language.</param>
public sealed record CoverageReport(DateTimeOffset CheckedAt, DateTimeOffset Since, IReadOnlyList<CoverageItem> Items, [property: System.Text.Json.Serialization.JsonIgnore] Portal.Core.Text.Phrase? Said = null)
{
    /// <summary>Why part of the picture is missing, in English (the API's <c>note</c>).</summary>
    public string? Note => Said?.English;

    /// <summary>Of the sessions that should have a transcript, the share that does (1 when there are none).</summary>
    public double RecordedShare
    {
        get
        {
            var expected = Items.Count(i => i.State is CoverageState.Recorded or CoverageState.Missing or CoverageState.Truncated or CoverageState.Modified);
            return expected == 0 ? 1 : Items.Count(i => i.State is CoverageState.Recorded or CoverageState.Truncated or CoverageState.Modified) / (double)expected;
        }
    }
}

/// <summary>The coverage check. Bound from <c>Portal:Sessions:Coverage</c>.</summary>
public sealed class CoverageOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Sessions:Coverage";

    /// <summary>How long after a session ends its transcript may take to arrive before it counts as missing. Defaults to 15 minutes (1 in the sandbox).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Compares what Session Manager says happened with what the log bucket holds.</summary>
public interface ISessionCoverage
{
    /// <summary>The longest report, in days: CloudTrail's event history keeps 90.</summary>
    const int MaxDays = 90;

    /// <summary>Every session Session Manager reports for the last <paramref name="days"/> days, and every transcript no session explains.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is not 1 to 90.</exception>
    Task<CoverageReport> GetAsync(int days = 30, CancellationToken cancellationToken = default);

    /// <summary>The ids of the last 30 days' sessions in <paramref name="state"/>, for the sessions list's filter.</summary>
    async Task<IReadOnlyCollection<string>> SessionIdsAsync(CoverageState state, CancellationToken cancellationToken = default) =>
        (await GetAsync(30, cancellationToken)).Items.Where(i => i.State == state).Select(i => i.SessionId).ToHashSet(StringComparer.Ordinal);

    /// <summary>A state from its name in the API (<c>unknown-origin</c>), or <see langword="null"/>.</summary>
    static CoverageState? Parse(string? name) =>
        Enum.GetValues<CoverageState>().Cast<CoverageState?>().FirstOrDefault(s => System.Text.Json.JsonSerializer.Serialize(s!.Value).Trim('"') == name);
}

namespace Portal.Core.Sessions.Index;

/// <summary>What the indexer is doing.</summary>
public enum SessionIndexState
{
    /// <summary>Not started yet.</summary>
    Starting,

    /// <summary>No log bucket is configured.</summary>
    NotConfigured,

    /// <summary>Listing the bucket.</summary>
    Listing,

    /// <summary>Rendering and indexing new or changed transcripts.</summary>
    Indexing,

    /// <summary>Up to date; waiting for the next listing.</summary>
    Idle,

    /// <summary>The last pass failed (see <see cref="SessionIndexProgress.LastError"/>); it is retried at the next interval.</summary>
    Failed,

    /// <summary>Turned off in configuration.</summary>
    Disabled,
}

/// <summary>A snapshot of the indexer's progress.</summary>
/// <param name="State">What it is doing.</param>
/// <param name="Sessions">Sessions in the index.</param>
/// <param name="Pending">Transcripts in this pass still to index.</param>
/// <param name="Done">Transcripts indexed in this pass.</param>
/// <param name="Failed">Transcripts in this pass that could not be rendered (each is listed with its error).</param>
/// <param name="Bytes">Transcript bytes indexed in this pass.</param>
/// <param name="PassStartedAt">When this pass started.</param>
/// <param name="LastPassAt">When the last pass finished.</param>
/// <param name="LastError">Why the last pass failed, with the AWS error code when AWS refused.</param>
public sealed record SessionIndexProgress(
    SessionIndexState State,
    int Sessions,
    int Pending,
    int Done,
    int Failed,
    long Bytes,
    DateTimeOffset? PassStartedAt,
    DateTimeOffset? LastPassAt,
    string? LastError)
{
    /// <summary>Done as a share of this pass, 0 to 100.</summary>
    public double Percent => Pending + Done == 0 ? 100 : 100.0 * Done / (Pending + Done);
}

/// <summary>The indexer's progress for pages to show, and the way to ask it for a pass or a rebuild.</summary>
public interface ISessionIndexStatus
{
    /// <summary>The latest snapshot.</summary>
    SessionIndexProgress Current { get; }

    /// <summary>Raised when the snapshot changes, at most a few times a second, on the indexer's thread.</summary>
    event Action<SessionIndexProgress>? Changed;

    /// <summary>Starts a pass now instead of at the next interval.</summary>
    void RequestPass();

    /// <summary>Empties the index and indexes every transcript again.</summary>
    void RequestRebuild();
}

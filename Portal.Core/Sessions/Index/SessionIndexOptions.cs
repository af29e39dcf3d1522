using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sessions.Index;

/// <summary>How the session index follows the log bucket. Bound from <c>Portal:Sessions:Index</c>.</summary>
public sealed class SessionIndexOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Sessions:Index";

    /// <summary>False stops the background indexer (the list and search then show what the index already holds).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the bucket is listed for new and changed transcripts. Defaults to 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be from 00:00:01 to 1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most bytes of one transcript indexed; the rest of a larger one is left out of search and the session is
    /// marked as cut. Defaults to 64 MiB, as for rendering.
    /// </summary>
    [Range(1024, 1L << 30)]
    public long MaxTranscriptBytes { get; set; } = 64L << 20;

    /// <summary>Transcripts downloaded and rendered at once. Defaults to the processor count.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>An explicit index file; defaults to <c>&lt;database name&gt;-index.db</c> next to the portal database.</summary>
    public string? FilePath { get; set; }
}

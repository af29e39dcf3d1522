using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sessions;

/// <summary>Where Session Manager writes transcripts. Bound from <c>Portal:Sessions</c>.</summary>
public sealed class SessionLogOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Sessions";

    /// <summary>The log bucket. Defaults to the sandbox's bucket in Sandbox mode; empty means not configured yet.</summary>
    [RegularExpression("^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ErrorMessage = "must be a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')")]
    public string? Bucket { get; set; }

    /// <summary>The key prefix the preferences document sets. Defaults to <c>sessionmanager/</c>.</summary>
    [RegularExpression("^([A-Za-z0-9!_.*'()-]+/)*$", ErrorMessage = "must be a key prefix ending in '/', such as sessionmanager/")]
    public string Prefix { get; set; } = "sessionmanager/";

    /// <summary>
    /// The most bytes of one transcript rendered on a page; a larger one shows its beginning and says so (the raw
    /// download stays whole). A rendered transcript is packed (a 50 MB one takes about 150 MB, shared by every reader
    /// of it) and every render draws on the render budget. Defaults to 256 MiB: any session Session Manager records
    /// in practice is shown whole.
    /// </summary>
    [Range(1024, 1L << 30)]
    public long MaxRenderBytes { get; set; } = 256L << 20;

    /// <summary>
    /// Megabytes every rendering in the process may hold together (the indexer's workers, open transcripts and
    /// exports). A render that would go past it stops and says so; the indexer tries that transcript again later.
    /// 0 (the default) takes half the memory the runtime may use, between 256 MB and 4 GB.
    /// </summary>
    [Range(0, 1 << 20)]
    public int RenderBudgetMegabytes { get; set; }

    /// <summary>The render budget in bytes, as configured or from the memory the runtime may use.</summary>
    public long RenderBudgetBytes => RenderBudgetMegabytes > 0
        ? (long)RenderBudgetMegabytes << 20
        : Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2, 256L << 20, 4L << 30);
}

using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Hosting;

/// <summary>
/// This process among the portal's replicas (<c>Portal:Replica</c>): its name, and the leases that give each
/// background job to exactly one replica at a time.
/// </summary>
public sealed class ReplicaOptions
{
    /// <summary>The configuration section, <c>Portal:Replica</c>.</summary>
    public const string SectionName = "Portal:Replica";

    /// <summary>This replica's name in leases, logs and <c>/api/system</c>; the host name and process id when unset.</summary>
    [RegularExpression(@"^[A-Za-z0-9._:\-]{1,128}$", ErrorMessage = "must be 1 to 128 letters, digits, '.', '_', ':' or '-'")]
    public string? Name { get; set; }

    /// <summary>
    /// How long a job's lease lasts without renewal. A replica that stops or hangs loses its jobs after this; another
    /// takes them within <see cref="LeaseTtl"/> plus <see cref="RenewEvery"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:05:00", ErrorMessage = "must be between 3 seconds and 5 minutes")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews its leases, and how often the others try to take a free one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "must be between 1 second and 1 minute")]
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A pass that runs longer than this is cancelled and its lease given up, so a stuck call cannot keep a job from every replica.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "must be between 10 seconds and 1 hour")]
    public TimeSpan MaxPass { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often each replica looks for changes made by the others, so open pages follow them.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00", ErrorMessage = "must be between 200 ms and 1 minute")]
    public TimeSpan ChangePoll { get; set; } = TimeSpan.FromSeconds(2);
}

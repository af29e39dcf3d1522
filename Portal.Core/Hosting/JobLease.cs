namespace Portal.Core.Hosting;

/// <summary>
/// The stored lease of one background job: which replica runs it and until when, and how its last pass went (whoever
/// ran it), so every replica can tell.
/// </summary>
internal sealed class JobLease
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset AcquiredAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>A background job as one replica sees it.</summary>
/// <param name="Name">The job.</param>
/// <param name="Leader">Whether this replica runs it now.</param>
/// <param name="Holder">The replica whose lease is current, or <see langword="null"/> when none is.</param>
/// <param name="LastRunAt">When its last pass ended, on whichever replica.</param>
/// <param name="LastError">Why that pass failed, or <see langword="null"/>.</param>
public sealed record WorkerStatus(string Name, bool Leader, string? Holder, DateTimeOffset? LastRunAt, string? LastError);

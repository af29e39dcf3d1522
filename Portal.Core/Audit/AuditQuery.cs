namespace Portal.Core.Audit;

/// <summary>Filters and a page over the audit trail. Every filter is optional; text filters match substrings.</summary>
public sealed record AuditQuery
{
    /// <summary>The most entries one page may hold.</summary>
    public const int MaxTake = 500;

    /// <summary>Substring of the actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Prefix of the action, so <c>auth.</c> finds every sign-in and sign-out.</summary>
    public string? Action { get; init; }

    /// <summary>Substring of the target.</summary>
    public string? Target { get; init; }

    /// <summary>Only this outcome.</summary>
    public AuditOutcome? Outcome { get; init; }

    /// <summary>At or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Entries to skip, newest first. Defaults to 0.</summary>
    public int Skip { get; init; }

    /// <summary>Entries to return, 1 to <see cref="MaxTake"/>. Defaults to 50.</summary>
    public int Take { get; init; } = 50;
}

namespace Portal.Core.Access;

/// <summary>A stored request. Its state moves only by conditional updates, so two approvers never both move it.</summary>
internal sealed class AccessRequestRecord
{
    public long Id { get; set; }

    public AccessRequestState State { get; set; }

    public string Requester { get; set; } = string.Empty;

    public string IamUser { get; set; } = string.Empty;

    public string TargetInstanceId { get; set; } = string.Empty;

    public int DurationMinutes { get; set; }

    public string Reason { get; set; } = string.Empty;

    public string? Ticket { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public long? GrantId { get; set; }

    public AccessRequestKind Kind { get; set; }

    public PrincipalType PrincipalType { get; set; }

    public long? ExtendsGrantId { get; set; }

    public bool BreakGlass { get; set; }

    public List<AccessDecisionRecord> Decisions { get; set; } = [];
}

/// <summary>One approver's decision; an approver decides a request once (unique index).</summary>
internal sealed class AccessDecisionRecord
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public string Approver { get; set; } = string.Empty;

    public bool Approved { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>A stored grant: what the portal believes IAM holds, and why.</summary>
internal sealed class GrantRecord
{
    public long Id { get; set; }

    public PrincipalType PrincipalType { get; set; }

    public string PrincipalName { get; set; } = string.Empty;

    public string TargetInstanceId { get; set; } = string.Empty;

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public GrantState State { get; set; }

    public long? RequestId { get; set; }

    public string GrantedBy { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public string? ErrorCode { get; set; }

    public string? Error { get; set; }

    public string? RevokedBy { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public bool MissingInIam { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset? WarnedAt { get; set; }

    /// <summary>When a sweep after the grant ended last found none of its sessions left (null until one succeeds).</summary>
    public DateTimeOffset? SessionsClearedAt { get; set; }

    /// <summary>The portal person whose request it answers (none for a direct grant).</summary>
    public string? Person { get; set; }

    public bool BreakGlass { get; set; }

    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewComment { get; set; }

    public AccessGrant ToGrant(string region) => new(
        Id,
        Principal,
        PrincipalType,
        PrincipalName,
        TargetInstanceId,
        StartsAt,
        ExpiresAt,
        State,
        RequestId,
        GrantedBy,
        Reason,
        ErrorCode,
        Error,
        RevokedBy,
        EndedAt,
        MissingInIam,
        Note,
        GrantPolicy.ConnectCommand(TargetInstanceId, region),
        Person,
        BreakGlass,
        ReviewedBy,
        ReviewedAt,
        ReviewComment);

    /// <summary>The principal as <c>user/name</c> or <c>group/name</c>.</summary>
    public string Principal => $"{(PrincipalType == PrincipalType.User ? "user" : "group")}/{PrincipalName}";
}

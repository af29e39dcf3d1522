using System.Text.Json.Serialization;

namespace Portal.Core.Access;

/// <summary>Where a request is; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccessRequestState>))]
public enum AccessRequestState
{
    /// <summary>Waiting for approvers.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Approved; its grant says whether IAM has it yet.</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>An approver said no.</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,

    /// <summary>The requester withdrew it.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>Never decided in time.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,
}

/// <summary>Where a grant is; automation reads the lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GrantState>))]
public enum GrantState
{
    /// <summary>Decided, but its IAM policy is not in place (yet, or IAM failed: see the error; retryable).</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>The IAM policy is in place until the expiry.</summary>
    [JsonStringEnumMemberName("active")]
    Active,

    /// <summary>Ran out; the policy was removed (its time window had closed it already).</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>Ended early by an approver; the policy was removed and live sessions ended.</summary>
    [JsonStringEnumMemberName("revoked")]
    Revoked,
}

/// <summary>What a request asks for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccessRequestKind>))]
public enum AccessRequestKind
{
    /// <summary>Access to a bastion, for the requester's IAM user.</summary>
    [JsonStringEnumMemberName("access")]
    Access,

    /// <summary>More time on an active grant (<see cref="AccessRequest.ExtendsGrantId"/>), rewritten in place.</summary>
    [JsonStringEnumMemberName("extension")]
    Extension,

    /// <summary>A direct grant an approver proposed, waiting for the other approvals it needs.</summary>
    [JsonStringEnumMemberName("direct")]
    Direct,
}

/// <summary>Who a grant is for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PrincipalType>))]
public enum PrincipalType
{
    /// <summary>An IAM user.</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary>
    /// An IAM group: no longer granted to (ADR 0015), since a group cannot carry the permissions boundary. A group grant
    /// stored before is listed, expired and revoked as any other; it cannot be extended.
    /// </summary>
    [JsonStringEnumMemberName("group")]
    Group,
}

/// <summary>An approver's decision on a request.</summary>
/// <param name="Approver">Who.</param>
/// <param name="Approved">Yes or no.</param>
/// <param name="Comment">Why, when given.</param>
/// <param name="At">When.</param>
public sealed record AccessDecision(string Approver, bool Approved, string? Comment, DateTimeOffset At);

/// <summary>A request for access to a bastion.</summary>
/// <param name="Id">The request's number.</param>
/// <param name="State">Where it is.</param>
/// <param name="Requester">The portal person who asked.</param>
/// <param name="IamUser">The IAM user the grant goes to.</param>
/// <param name="TargetInstanceId">The bastion.</param>
/// <param name="DurationMinutes">How long the access lasts once granted.</param>
/// <param name="Reason">Why, in the requester's words.</param>
/// <param name="Ticket">A ticket reference, when given.</param>
/// <param name="CreatedAt">When it was asked.</param>
/// <param name="DecidedAt">When it left Pending.</param>
/// <param name="Decisions">Approvals and the denial, in order.</param>
/// <param name="GrantId">The grant, once approved (for an extension: the grant it extends).</param>
/// <param name="Kind">Access, an extension, or a proposed direct grant.</param>
/// <param name="PrincipalType">User, or group for a proposed direct grant (<see cref="IamUser"/> then names the group).</param>
/// <param name="ExtendsGrantId">For an extension: the grant to extend.</param>
/// <param name="BreakGlass">Approved by the requester through break-glass.</param>
public sealed record AccessRequest(
    long Id,
    AccessRequestState State,
    string Requester,
    string IamUser,
    string TargetInstanceId,
    int DurationMinutes,
    string Reason,
    string? Ticket,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    IReadOnlyList<AccessDecision> Decisions,
    long? GrantId,
    AccessRequestKind Kind = AccessRequestKind.Access,
    PrincipalType PrincipalType = PrincipalType.User,
    long? ExtendsGrantId = null,
    bool BreakGlass = false);

/// <summary>Time-bound access to a bastion, held as one inline IAM policy.</summary>
/// <param name="Id">The grant's number; its policy is <c>portal-grant-&lt;id&gt;</c>.</param>
/// <param name="Principal">Who, as <c>user/name</c> or <c>group/name</c>.</param>
/// <param name="PrincipalType">User or group.</param>
/// <param name="PrincipalName">The IAM user or group name.</param>
/// <param name="TargetInstanceId">The bastion.</param>
/// <param name="StartsAt">When the policy's window opens.</param>
/// <param name="ExpiresAt">When it closes.</param>
/// <param name="State">Where it is.</param>
/// <param name="RequestId">The request it answers; none for a direct grant.</param>
/// <param name="GrantedBy">The approver who made it (the last approval, or the direct grant).</param>
/// <param name="Reason">Why.</param>
/// <param name="ErrorCode">The AWS error code of the last failed IAM call, while the grant is not active.</param>
/// <param name="Error">What failed.</param>
/// <param name="RevokedBy">Who revoked it.</param>
/// <param name="EndedAt">When it expired or was revoked.</param>
/// <param name="MissingInIam">The reconciler found its policy gone from IAM while it should be active.</param>
/// <param name="Note">What ending it did (sessions ended, or why they could not be).</param>
/// <param name="ConnectCommand">The command that opens a session under it.</param>
/// <param name="Person">The portal person whose request it answers, when known.</param>
/// <param name="BreakGlass">Approved by its own requester through break-glass; another approver must acknowledge it.</param>
/// <param name="ReviewedBy">The approver who acknowledged a break-glass grant.</param>
/// <param name="ReviewedAt">When.</param>
/// <param name="ReviewComment">What they said.</param>
public sealed record AccessGrant(
    long Id,
    string Principal,
    PrincipalType PrincipalType,
    string PrincipalName,
    string TargetInstanceId,
    DateTimeOffset StartsAt,
    DateTimeOffset ExpiresAt,
    GrantState State,
    long? RequestId,
    string GrantedBy,
    string Reason,
    string? ErrorCode,
    string? Error,
    string? RevokedBy,
    DateTimeOffset? EndedAt,
    bool MissingInIam,
    string? Note,
    string ConnectCommand,
    string? Person = null,
    bool BreakGlass = false,
    string? ReviewedBy = null,
    DateTimeOffset? ReviewedAt = null,
    string? ReviewComment = null)
{
    /// <summary>A break-glass grant no other approver has acknowledged yet.</summary>
    public bool AwaitsReview => BreakGlass && ReviewedBy is null;

    /// <summary>The inline policy's name.</summary>
    public string PolicyName => GrantPolicy.NameOf(Id);
}

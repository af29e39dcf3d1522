namespace Portal.Core.Access;

/// <summary>A live session on a bastion, and what the portal knows of it.</summary>
/// <param name="SessionId">Session Manager's id.</param>
/// <param name="Owner">The ARN of the principal that started it.</param>
/// <param name="IamUser">The IAM user, when the owner is one.</param>
/// <param name="Person">The portal person whose request the covering grant answers, when known.</param>
/// <param name="Target">The bastion's instance id.</param>
/// <param name="TargetName">The bastion's Name tag, when it has one.</param>
/// <param name="DocumentName">The session document.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="GrantId">The active portal grant that allows it, or <see langword="null"/> when none does.</param>
/// <param name="Status">Session Manager's status (Connected, Disconnected...).</param>
public sealed record LiveSessionView(
    string SessionId,
    string Owner,
    string? IamUser,
    string? Person,
    string Target,
    string? TargetName,
    string? DocumentName,
    DateTimeOffset? StartedAt,
    long? GrantId,
    string Status);

/// <summary>How the portal treats a live session on a bastion that no active grant covers (<see cref="AccessOptions.EnforceSessions"/>).</summary>
public enum EnforceSessionsMode
{
    /// <summary>Ends it, audited with why.</summary>
    Terminate,

    /// <summary>Leaves it running and reports it on the audit trail.</summary>
    Report,
}

/// <summary>
/// Live sessions on the bastions: who holds them under which grant, and ending them. Sessions end with their grant
/// (at expiry and revoke, and again for a few minutes after, for a session IAM still let start while the deleted
/// policy propagated), and a session no grant covers is ended or reported (<see cref="AccessOptions.EnforceSessions"/>).
/// Every termination is audited with the session id and why.
/// </summary>
public interface ILiveSessionService
{
    /// <summary>The active sessions on every bastion, newest first.</summary>
    /// <exception cref="Aws.AwsApiException">Session Manager or EC2 could not be read.</exception>
    Task<IReadOnlyList<LiveSessionView>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends a live session on a bastion; the person is told.</summary>
    /// <exception cref="AccessException">No reason (Invalid); no such active session on a bastion (NotFound).</exception>
    /// <exception cref="Aws.AwsApiException">Session Manager refused; the session is still live.</exception>
    Task TerminateAsync(string sessionId, string actor, string? reason, CancellationToken cancellationToken = default);
}

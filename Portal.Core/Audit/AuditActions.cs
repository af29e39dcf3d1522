namespace Portal.Core.Audit;

/// <summary>The audit trail's action names for sessions and access, in one place: searches and reports filter by them.</summary>
public static class AuditActions
{
    /// <summary>A transcript was opened on the page.</summary>
    public const string SessionView = "session.view";

    /// <summary>A transcript was downloaded (raw, text or HTML).</summary>
    public const string SessionDownload = "session.download";

    /// <summary>An Admin showed a transcript's secrets, which the page and downloads mask otherwise.</summary>
    public const string SessionReveal = "session.reveal";

    /// <summary>An auditor tagged, bookmarked or commented on a session.</summary>
    public const string SessionAnnotate = "session.annotate";

    /// <summary>An annotation was removed (by its author or an Admin), or someone else tried.</summary>
    public const string SessionAnnotationRemove = "session.annotation.remove";

    /// <summary>A session's indexed metadata and commands were read.</summary>
    public const string SessionMetadata = "session.metadata";

    /// <summary>A transcript's S3 versions were listed.</summary>
    public const string SessionVersions = "session.versions";

    /// <summary>A session's evidence bundle was downloaded.</summary>
    public const string SessionEvidence = "session.evidence";

    /// <summary>Every transcript was searched.</summary>
    public const string SessionsSearch = "sessions.search";

    /// <summary>Session Manager's sessions were compared with the bucket.</summary>
    public const string SessionsCoverage = "sessions.coverage";

    /// <summary>The digest chain and the transcripts it lists were verified.</summary>
    public const string IntegrityVerify = "integrity.verify";

    /// <summary>Someone asked for the session index to be built again.</summary>
    public const string SessionsIndexRebuild = "sessions.index.rebuild";

    /// <summary>A person asked for access.</summary>
    public const string AccessRequest = "access.request";

    /// <summary>A grantee asked for an active grant to last longer.</summary>
    public const string AccessExtendRequest = "access.extend-request";

    /// <summary>An approver proposed a direct grant that needs more approvers.</summary>
    public const string AccessPropose = "access.propose";

    /// <summary>An approver approved a request.</summary>
    public const string AccessApprove = "access.approve";

    /// <summary>An approver denied a request.</summary>
    public const string AccessDeny = "access.deny";

    /// <summary>The requester withdrew a request.</summary>
    public const string AccessCancel = "access.cancel";

    /// <summary>A request was never decided in time.</summary>
    public const string AccessExpire = "access.expire";

    /// <summary>A person approved their own request through break-glass.</summary>
    public const string AccessBreakGlass = "access.break-glass";

    /// <summary>A grant was made.</summary>
    public const string GrantCreate = "grant.create";

    /// <summary>A grant's policy was put in IAM (or IAM refused).</summary>
    public const string GrantActivate = "grant.activate";

    /// <summary>A grant's window was moved later in place.</summary>
    public const string GrantExtend = "grant.extend";

    /// <summary>A grant was revoked.</summary>
    public const string GrantRevoke = "grant.revoke";

    /// <summary>A grant ran out.</summary>
    public const string GrantExpire = "grant.expire";

    /// <summary>Another approver acknowledged a break-glass grant.</summary>
    public const string GrantReview = "grant.review";

    /// <summary>A grant's policy was found deleted outside the portal.</summary>
    public const string GrantMissing = "grant.missing";

    /// <summary>The reconciler found something in IAM that gives access outside the portal's grants.</summary>
    public const string AccessFinding = "access.finding";

    /// <summary>A live session was ended.</summary>
    public const string SessionTerminate = "session.terminate";

    /// <summary>A live session no grant covers was left running and reported.</summary>
    public const string SessionUnauthorized = "session.unauthorized";
}

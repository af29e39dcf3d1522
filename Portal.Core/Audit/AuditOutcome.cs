namespace Portal.Core.Audit;

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>The action was carried out.</summary>
    Succeeded,

    /// <summary>The action was attempted and failed (an AWS error, for example).</summary>
    Failed,

    /// <summary>The action was refused: wrong role, bad credentials, invalid input.</summary>
    Denied,
}

namespace Portal.Core.Setup;

/// <summary>
/// What the setup wizard creates or adopts, as an Admin chose it. Everything but the bastions, the bucket, the topic
/// and the addresses has the wizard's default. <see cref="SetupSettingsValidator"/> checks every name before any of
/// it reaches AWS.
/// </summary>
public sealed record SetupSettings
{
    /// <summary>The key prefix Session Manager writes transcripts under; the session browser reads it.</summary>
    public const string KeyPrefix = "sessionmanager";

    /// <summary>The bastions: EC2 instance ids. Grants and the end-user policy cover each of them.</summary>
    public required IReadOnlyList<string> BastionInstanceIds { get; init; }

    /// <summary>The log bucket, created or adopted.</summary>
    public required string BucketName { get; init; }

    /// <summary>How the bucket encrypts transcripts at rest.</summary>
    public BucketEncryption Encryption { get; init; } = BucketEncryption.SseS3;

    /// <summary>The KMS key ARN, with <see cref="BucketEncryption.SseKms"/> only.</summary>
    public string? KmsKeyArn { get; init; }

    /// <summary>
    /// Keep every version of an object, so a transcript overwritten or deleted stays recoverable and the portal reads
    /// the first version the agent wrote. Defaults to on.
    /// </summary>
    public bool Versioning { get; init; } = true;

    /// <summary>
    /// The asymmetric KMS key (RSA, SIGN_VERIFY) that signs the portal's digests of the log bucket, by alias: created
    /// when no key has the alias, adopted when one does, its key policy letting the portal sign.
    /// </summary>
    public string DigestKeyAlias { get; init; } = Sessions.Integrity.IntegrityOptions.DefaultKeyAlias;

    /// <summary>Days after which transcripts expire; <see langword="null"/> keeps them for ever.</summary>
    public int? RetentionDays { get; init; }

    /// <summary>The bastion's role (trusted by EC2 only, as AWS's instance-profile guide has it).</summary>
    public string RoleName { get; init; } = "PortalBastionRole";

    /// <summary>The instance profile that carries the role to the bastion.</summary>
    public string InstanceProfileName { get; init; } = "PortalBastionRole";

    /// <summary>The customer-managed policy that lets the bastion write transcripts and nothing more.</summary>
    public string LoggingPolicyName { get; init; } = "PortalSessionLogging";

    /// <summary>
    /// Replace an instance profile a bastion already has. Without it, a bastion with another profile is a failed
    /// step that says so, never a silent swap.
    /// </summary>
    public bool ReplaceExistingInstanceProfile { get; init; }

    /// <summary>Minutes without input before Session Manager ends a session (1 to 60).</summary>
    public int IdleSessionTimeoutMinutes { get; init; } = 20;

    /// <summary>The longest a session may last, in minutes (1 to 1440).</summary>
    public int MaxSessionDurationMinutes { get; init; } = 60;

    /// <summary>The SNS topic login notices go to.</summary>
    public required string TopicName { get; init; }

    /// <summary>The sender name of the notices.</summary>
    public string TopicDisplayName { get; init; } = "Bastion logins";

    /// <summary>Who is mailed at every login; each confirms the subscription from the mail SNS sends.</summary>
    public required IReadOnlyList<string> NotificationEmails { get; init; }

    /// <summary>
    /// The EventBridge rule for sessions started on the bastions; <c>-sessions</c> (resumed and ended) and <c>-denied</c>
    /// (refused calls) name the other two.
    /// </summary>
    public string RuleName { get; init; } = "portal-session-logins";

    /// <summary>Create a trail when none is logging in the region (the rule never fires without one).</summary>
    public bool CreateTrailIfMissing { get; init; }

    /// <summary>The trail created when <see cref="CreateTrailIfMissing"/> is on; it writes to the log bucket.</summary>
    public string TrailName { get; init; } = "portal-management-events";

    /// <summary>The managed policy for the people who use the bastions; it grants no access by itself.</summary>
    public string EndUserPolicyName { get; init; } = "PortalBastionUsers";
}

/// <summary>How the log bucket encrypts objects at rest; written <c>sse-s3</c> or <c>sse-kms</c> in JSON.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BucketEncryption>))]
public enum BucketEncryption
{
    /// <summary>S3-managed keys (AES-256): no KMS permissions needed anywhere.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("sse-s3")]
    SseS3,

    /// <summary>A customer-managed KMS key: the bastion's role may use it to write.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("sse-kms")]
    SseKms,
}

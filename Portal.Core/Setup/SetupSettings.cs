namespace Portal.Core.Setup;

/// <summary>
/// What the setup wizard creates or adopts, as an Admin chose it: the one shape the page edits, the API reads and
/// writes (camelCase JSON) and the portal saves. Everything but the bastions, the bucket, the topic and the addresses
/// has the wizard's default. <see cref="Normalized"/> trims what people type; <see cref="SetupSettingsValidator"/>
/// checks every name before any of it reaches AWS.
/// </summary>
public sealed record SetupSettings
{
    /// <summary>The permissions boundary's default name.</summary>
    public const string DefaultBoundaryPolicyName = "PortalBastionBoundary";

    /// <summary>The key prefix Session Manager writes transcripts under; the session browser reads it.</summary>
    public const string KeyPrefix = "sessionmanager";

    /// <summary>The bastions: EC2 instance ids. Grants and the end-user policy cover each of them.</summary>
    public IReadOnlyList<string> BastionInstanceIds { get; set; } = [];

    /// <summary>The log bucket, created or adopted.</summary>
    public string BucketName { get; set; } = string.Empty;

    /// <summary>How the bucket encrypts transcripts at rest.</summary>
    public BucketEncryption Encryption { get; set; } = BucketEncryption.SseS3;

    /// <summary>The KMS key ARN, with <see cref="BucketEncryption.SseKms"/> only.</summary>
    public string? KmsKeyArn { get; set; }

    /// <summary>
    /// Keep every version of an object, so a transcript overwritten or deleted stays recoverable and the portal reads
    /// the first version the agent wrote. Defaults to on.
    /// </summary>
    public bool Versioning { get; set; } = true;

    /// <summary>
    /// The asymmetric KMS key (RSA, SIGN_VERIFY) that signs the portal's digests of the log bucket, by alias: created
    /// when no key has the alias, adopted when one does, its key policy letting the portal sign.
    /// </summary>
    public string DigestKeyAlias { get; set; } = Sessions.Integrity.IntegrityOptions.DefaultKeyAlias;

    /// <summary>Days after which transcripts expire; <see langword="null"/> keeps them for ever.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>The bastion's role (trusted by EC2 only, as AWS's instance-profile guide has it).</summary>
    public string RoleName { get; set; } = "PortalBastionRole";

    /// <summary>The instance profile that carries the role to the bastion.</summary>
    public string InstanceProfileName { get; set; } = "PortalBastionRole";

    /// <summary>The customer-managed policy that lets the bastion write transcripts and nothing more.</summary>
    public string LoggingPolicyName { get; set; } = "PortalSessionLogging";

    /// <summary>
    /// Replace an instance profile a bastion already has. Without it, a bastion with another profile is a failed
    /// step that says so, never a silent swap.
    /// </summary>
    public bool ReplaceExistingInstanceProfile { get; set; }

    /// <summary>Minutes without input before Session Manager ends a session (1 to 60).</summary>
    public int IdleSessionTimeoutMinutes { get; set; } = 20;

    /// <summary>The longest a session may last, in minutes (1 to 1440).</summary>
    public int MaxSessionDurationMinutes { get; set; } = 60;

    /// <summary>The SNS topic login notices go to.</summary>
    public string TopicName { get; set; } = "bastion-logins";

    /// <summary>The sender name of the notices.</summary>
    public string TopicDisplayName { get; set; } = "Bastion logins";

    /// <summary>Who is mailed at every login; each confirms the subscription from the mail SNS sends.</summary>
    public IReadOnlyList<string> NotificationEmails { get; set; } = [];

    /// <summary>The language of the login mails EventBridge writes: English, Japanese, or both in one mail.</summary>
    public NoticeLanguage NoticeLanguage { get; set; } = NoticeLanguage.English;

    /// <summary>
    /// The EventBridge rule for sessions started on the bastions; <c>-sessions</c> (resumed and ended) and <c>-denied</c>
    /// (refused calls) name the other two.
    /// </summary>
    public string RuleName { get; set; } = "portal-session-logins";

    /// <summary>Create a trail when none is logging in the region (the rule never fires without one).</summary>
    public bool CreateTrailIfMissing { get; set; }

    /// <summary>The trail created when <see cref="CreateTrailIfMissing"/> is on; it writes to the log bucket.</summary>
    public string TrailName { get; set; } = "portal-management-events";

    /// <summary>The managed policy for the people who use the bastions; it grants no access by itself.</summary>
    public string EndUserPolicyName { get; set; } = "PortalBastionUsers";

    /// <summary>
    /// The managed policy set as the permissions boundary of the people who use the bastions: it allows nothing beyond
    /// Session Manager on the bastions. The portal writes grant policies only onto users that carry it, and its own
    /// IAM permissions say so (ADR 0015).
    /// </summary>
    public string BoundaryPolicyName { get; set; } = DefaultBoundaryPolicyName;

    /// <summary>
    /// The IAM users the wizard puts the boundary on (replacing another boundary a user carries). Users can be added
    /// later; the portal refuses grants to a user without the boundary and says how to add it.
    /// </summary>
    public IReadOnlyList<string> BastionUsers { get; set; } = [];

    /// <summary>
    /// A copy as the engine reads it: names trimmed, addresses and users each once, bastions and users in a stable
    /// order, and no KMS key unless SSE-KMS is chosen. A missing value (JSON <c>null</c>) becomes empty, for the
    /// validator to name.
    /// </summary>
    public SetupSettings Normalized() => this with
    {
        BastionInstanceIds = Distinct(BastionInstanceIds, StringComparer.Ordinal),
        BucketName = Trim(BucketName),
        KmsKeyArn = Encryption == BucketEncryption.SseKms && !string.IsNullOrWhiteSpace(KmsKeyArn) ? KmsKeyArn.Trim() : null,
        RoleName = Trim(RoleName),
        InstanceProfileName = Trim(InstanceProfileName),
        LoggingPolicyName = Trim(LoggingPolicyName),
        TopicName = Trim(TopicName),
        TopicDisplayName = Trim(TopicDisplayName),
        NotificationEmails = [.. (NotificationEmails ?? []).Select(Trim).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
        RuleName = Trim(RuleName),
        TrailName = Trim(TrailName),
        EndUserPolicyName = Trim(EndUserPolicyName),
        DigestKeyAlias = Trim(DigestKeyAlias),
        BoundaryPolicyName = Trim(BoundaryPolicyName),
        BastionUsers = Distinct(BastionUsers, StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>Addresses as people type them, one per line or separated by commas, semicolons or spaces.</summary>
    public static IReadOnlyList<string> SplitAddresses(string? text) =>
        [.. (text ?? string.Empty).Split(['\n', '\r', ',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Trim(string? value) => value?.Trim() ?? string.Empty;

    private static string[] Distinct(IReadOnlyList<string>? values, StringComparer comparer) =>
        [.. (values ?? []).Select(Trim).Where(v => v.Length > 0).Distinct(comparer).Order(StringComparer.Ordinal)];
}

/// <summary>The language of the login mails; written <c>en</c>, <c>ja</c> or <c>both</c> in JSON.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<NoticeLanguage>))]
public enum NoticeLanguage
{
    /// <summary>English.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("en")]
    English,

    /// <summary>Japanese.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("ja")]
    Japanese,

    /// <summary>Japanese, then English, in one mail.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("both")]
    Both,
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

using Portal.Core.Setup;

namespace Portal.Web.Components.Setup;

/// <summary>
/// The wizard's fields as the page edits them (addresses as text, bastions as a set); <see cref="ToSettings"/> gives
/// the settings the engine validates, so the page and the API share one set of rules.
/// </summary>
internal sealed class SetupForm
{
    private static readonly SetupSettings Defaults = new() { BastionInstanceIds = [], BucketName = string.Empty, TopicName = "bastion-logins", NotificationEmails = [] };

    public HashSet<string> Bastions { get; set; } = new(StringComparer.Ordinal);

    public string BucketName { get; set; } = string.Empty;

    public BucketEncryption Encryption { get; set; } = Defaults.Encryption;

    public string? KmsKeyArn { get; set; }

    public bool Versioning { get; set; } = Defaults.Versioning;

    public int? RetentionDays { get; set; } = Defaults.RetentionDays;

    public string RoleName { get; set; } = Defaults.RoleName;

    public string InstanceProfileName { get; set; } = Defaults.InstanceProfileName;

    public string LoggingPolicyName { get; set; } = Defaults.LoggingPolicyName;

    public bool ReplaceExistingInstanceProfile { get; set; } = Defaults.ReplaceExistingInstanceProfile;

    public int IdleSessionTimeoutMinutes { get; set; } = Defaults.IdleSessionTimeoutMinutes;

    public int MaxSessionDurationMinutes { get; set; } = Defaults.MaxSessionDurationMinutes;

    public string TopicName { get; set; } = Defaults.TopicName;

    public string TopicDisplayName { get; set; } = Defaults.TopicDisplayName;

    /// <summary>The addresses, one per line (commas and spaces separate them too).</summary>
    public string NotificationEmails { get; set; } = string.Empty;

    public string RuleName { get; set; } = Defaults.RuleName;

    public bool CreateTrailIfMissing { get; set; } = Defaults.CreateTrailIfMissing;

    public string TrailName { get; set; } = Defaults.TrailName;

    public string EndUserPolicyName { get; set; } = Defaults.EndUserPolicyName;

    public string DigestKeyAlias { get; set; } = Defaults.DigestKeyAlias;

    public static SetupForm From(SetupSettings settings) => new()
    {
        Bastions = new HashSet<string>(settings.BastionInstanceIds, StringComparer.Ordinal),
        BucketName = settings.BucketName,
        Encryption = settings.Encryption,
        KmsKeyArn = settings.KmsKeyArn,
        Versioning = settings.Versioning,
        RetentionDays = settings.RetentionDays,
        RoleName = settings.RoleName,
        InstanceProfileName = settings.InstanceProfileName,
        LoggingPolicyName = settings.LoggingPolicyName,
        ReplaceExistingInstanceProfile = settings.ReplaceExistingInstanceProfile,
        IdleSessionTimeoutMinutes = settings.IdleSessionTimeoutMinutes,
        MaxSessionDurationMinutes = settings.MaxSessionDurationMinutes,
        TopicName = settings.TopicName,
        TopicDisplayName = settings.TopicDisplayName,
        NotificationEmails = string.Join('\n', settings.NotificationEmails),
        RuleName = settings.RuleName,
        CreateTrailIfMissing = settings.CreateTrailIfMissing,
        TrailName = settings.TrailName,
        EndUserPolicyName = settings.EndUserPolicyName,
        DigestKeyAlias = settings.DigestKeyAlias,
    };

    /// <summary>The settings, trimmed; the bastions in a stable order.</summary>
    public SetupSettings ToSettings() => new()
    {
        BastionInstanceIds = [.. Bastions.Order(StringComparer.Ordinal)],
        BucketName = BucketName.Trim(),
        Encryption = Encryption,
        KmsKeyArn = Encryption == BucketEncryption.SseKms && !string.IsNullOrWhiteSpace(KmsKeyArn) ? KmsKeyArn.Trim() : null,
        Versioning = Versioning,
        RetentionDays = RetentionDays,
        RoleName = RoleName.Trim(),
        InstanceProfileName = InstanceProfileName.Trim(),
        LoggingPolicyName = LoggingPolicyName.Trim(),
        ReplaceExistingInstanceProfile = ReplaceExistingInstanceProfile,
        IdleSessionTimeoutMinutes = IdleSessionTimeoutMinutes,
        MaxSessionDurationMinutes = MaxSessionDurationMinutes,
        TopicName = TopicName.Trim(),
        TopicDisplayName = TopicDisplayName.Trim(),
        NotificationEmails = [.. NotificationEmails.Split(['\n', '\r', ',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)],
        RuleName = RuleName.Trim(),
        CreateTrailIfMissing = CreateTrailIfMissing,
        TrailName = TrailName.Trim(),
        EndUserPolicyName = EndUserPolicyName.Trim(),
        DigestKeyAlias = DigestKeyAlias.Trim(),
    };
}

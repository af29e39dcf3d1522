using System.Net.Mail;
using System.Text.RegularExpressions;
using Portal.Core.Aws.Iam;
using Portal.Core.Text;

namespace Portal.Core.Setup;

/// <summary>
/// Checks setup settings against each service's own naming rules, so a bad name is a clear message on the form or
/// a 400 from the API, never an AWS error halfway through an apply.
/// </summary>
public static partial class SetupSettingsValidator
{
    /// <summary>The most users one apply puts the boundary on (a call or two each).</summary>
    public const int MaxBastionUsers = 200;

    /// <summary>Every problem in English, by setting name (the record's property names); empty when the settings are good.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(SetupSettings settings) =>
        Said(Problems(settings), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every problem in <paramref name="culture"/>'s language, by setting name.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateIn(SetupSettings settings, System.Globalization.CultureInfo culture) =>
        Said(Problems(settings), culture);

    /// <summary>Problems by setting name, said in <paramref name="culture"/>'s language.</summary>
    internal static IReadOnlyDictionary<string, string[]> Said(IReadOnlyDictionary<string, Phrase[]> problems, System.Globalization.CultureInfo culture) =>
        problems.ToDictionary(e => e.Key, e => e.Value.Select(p => p.ToString(culture)).ToArray(), StringComparer.Ordinal);

    /// <summary>Every problem, by setting name, to say in any language.</summary>
    public static IReadOnlyDictionary<string, Phrase[]> Problems(SetupSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new Dictionary<string, List<Phrase>>(StringComparer.Ordinal);
        void Add(string field, Phrase message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (settings.BastionInstanceIds is not { Count: > 0 })
        {
            Add(nameof(settings.BastionInstanceIds), new Phrase("Choose at least one bastion instance."));
        }
        else
        {
            foreach (var id in settings.BastionInstanceIds.Where(id => !IsInstanceId(id)))
            {
                Add(nameof(settings.BastionInstanceIds), new Phrase("'{0}' is not an EC2 instance id (i- and 8 or 17 hexadecimal digits).", id));
            }

            if (settings.BastionInstanceIds.Distinct(StringComparer.Ordinal).Count() != settings.BastionInstanceIds.Count)
            {
                Add(nameof(settings.BastionInstanceIds), new Phrase("Each bastion is listed once."));
            }
        }

        if (BucketNameProblem(settings.BucketName) is { } bucket)
        {
            Add(nameof(settings.BucketName), bucket);
        }

        if (!Enum.IsDefined(settings.Encryption))
        {
            Add(nameof(settings.Encryption), new Phrase("Encrypt with sse-s3 or sse-kms."));
        }

        if (!Enum.IsDefined(settings.NoticeLanguage))
        {
            Add(nameof(settings.NoticeLanguage), new Phrase("Write the login mails in en, ja or both."));
        }

        if (settings.Encryption == BucketEncryption.SseKms && !IsKmsKeyArn(settings.KmsKeyArn))
        {
            Add(nameof(settings.KmsKeyArn), new Phrase("SSE-KMS needs the key's ARN (arn:aws:kms:<region>:<account>:key/<key id>)."));
        }
        else if (settings.Encryption == BucketEncryption.SseS3 && !string.IsNullOrEmpty(settings.KmsKeyArn))
        {
            Add(nameof(settings.KmsKeyArn), new Phrase("A KMS key is used only with SSE-KMS encryption."));
        }

        if (settings.RetentionDays is < 1 or > 36_500)
        {
            Add(nameof(settings.RetentionDays), new Phrase("Keep transcripts between 1 and 36,500 days, or leave it empty to keep them."));
        }

        if (!IamNames.IsValidRoleName(settings.RoleName))
        {
            Add(nameof(settings.RoleName), IamNameRule(new Phrase("A role name"), 64));
        }

        if (!IamNames.IsValidRoleName(settings.InstanceProfileName))
        {
            Add(nameof(settings.InstanceProfileName), IamNameRule(new Phrase("An instance profile name"), 64));
        }

        if (!IamNames.IsValidPolicyName(settings.LoggingPolicyName))
        {
            Add(nameof(settings.LoggingPolicyName), IamNameRule(new Phrase("A policy name"), 128));
        }

        if (!IamNames.IsValidPolicyName(settings.EndUserPolicyName))
        {
            Add(nameof(settings.EndUserPolicyName), IamNameRule(new Phrase("A policy name"), 128));
        }

        if (!IamNames.IsValidPolicyName(settings.BoundaryPolicyName))
        {
            Add(nameof(settings.BoundaryPolicyName), IamNameRule(new Phrase("A policy name"), 128));
        }

        if (settings.BastionUsers is { Count: > MaxBastionUsers })
        {
            Add(nameof(settings.BastionUsers), new Phrase("The wizard puts the boundary on up to {0} users at a time.", MaxBastionUsers));
        }

        foreach (var user in (settings.BastionUsers ?? []).Where(u => !IamNames.IsValidUserName(u)))
        {
            Add(nameof(settings.BastionUsers), new Phrase("'{0}' is not an IAM user name (1 to 64 letters, digits and '+=,.@_-').", user));
        }

        if (settings.IdleSessionTimeoutMinutes is < 1 or > 60)
        {
            Add(nameof(settings.IdleSessionTimeoutMinutes), new Phrase("Session Manager allows an idle timeout of 1 to 60 minutes."));
        }

        if (!MaxSessionDuration().IsMatch(settings.MaxSessionDurationMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Add(nameof(settings.MaxSessionDurationMinutes), new Phrase("Session Manager takes a maximum session duration of 1 to 999 minutes, 1000 to 1039, 1100 to 1139, 1200 to 1239, 1300 to 1339, 1400 to 1439 or 1440 (its API's pattern; it refuses 1045, say)."));
        }

        if (settings.TopicName is null || !TopicName().IsMatch(settings.TopicName))
        {
            Add(nameof(settings.TopicName), new Phrase("A topic name is 1 to 256 letters, digits, '-' and '_' (no FIFO topics: they do not deliver mail)."));
        }

        if (string.IsNullOrWhiteSpace(settings.TopicDisplayName) || settings.TopicDisplayName.Length > 100 || settings.TopicDisplayName.Any(char.IsControl))
        {
            Add(nameof(settings.TopicDisplayName), new Phrase("A display name is 1 to 100 characters, without line breaks."));
        }

        if (settings.NotificationEmails is not { Count: > 0 })
        {
            Add(nameof(settings.NotificationEmails), new Phrase("Give at least one address to mail logins to."));
        }
        else
        {
            foreach (var email in settings.NotificationEmails.Where(e => !IsEmail(e)))
            {
                Add(nameof(settings.NotificationEmails), new Phrase("'{0}' is not an e-mail address.", email));
            }
        }

        if (settings.RuleName is null || !RuleName().IsMatch(settings.RuleName))
        {
            Add(nameof(settings.RuleName), new Phrase("A rule name is 1 to 55 letters, digits, '.', '-' and '_' (the wizard adds '-sessions' and '-denied' for its other two rules; EventBridge takes 64)."));
        }

        if (settings.CreateTrailIfMissing && (settings.TrailName is null || !TrailName().IsMatch(settings.TrailName) || settings.TrailName.Contains("..", StringComparison.Ordinal)))
        {
            Add(nameof(settings.TrailName), new Phrase("A trail name is 3 to 128 letters, digits, '.', '-' and '_', starting and ending with a letter or digit."));
        }

        if (settings.DigestKeyAlias is null || !KeyAlias().IsMatch(settings.DigestKeyAlias) || settings.DigestKeyAlias.StartsWith("alias/aws/", StringComparison.Ordinal))
        {
            Add(nameof(settings.DigestKeyAlias), new Phrase("A key alias is 'alias/' and 1 to 250 letters, digits, '/', '_' and '-'; 'alias/aws/' is AWS's own."));
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>True for an EC2 instance id: <c>i-</c> and 8 or 17 lower-case hexadecimal digits.</summary>
    public static bool IsInstanceId(string? id) => id is not null && InstanceId().IsMatch(id);

    /// <summary>What is wrong with a bucket name by S3's rules for general purpose buckets, or <see langword="null"/>.</summary>
    public static Phrase? BucketNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length is < 3 or > 63)
        {
            return new Phrase("A bucket name is 3 to 63 characters.");
        }

        if (!BucketName().IsMatch(name))
        {
            return new Phrase("A bucket name uses lower-case letters, digits, '.' and '-', and starts and ends with a letter or digit.");
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return new Phrase("A bucket name has no two periods in a row.");
        }

        if (DottedQuad().IsMatch(name))
        {
            return new Phrase("A bucket name is not formatted as an IP address.");
        }

        string[] reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
        string[] reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
        if (reservedPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
        {
            return new Phrase("S3 reserves bucket names starting with '{0}'.", prefix);
        }

        return reservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix
            ? new Phrase("S3 reserves bucket names ending with '{0}'.", suffix)
            : null;
    }

    /// <summary>True for a plain address such as <c>ops@example.com</c> (no display name, a dotted domain).</summary>
    public static bool IsEmail(string? address) =>
        address is { Length: <= 254 }
        && MailAddress.TryCreate(address, out var parsed)
        && parsed.Address == address
        && parsed.DisplayName.Length == 0
        && parsed.Host.Contains('.', StringComparison.Ordinal)
        && !parsed.Host.StartsWith('.')
        && !parsed.Host.EndsWith('.');

    private static bool IsKmsKeyArn(string? arn) => arn is not null && KmsKeyArn().IsMatch(arn);

    private static Phrase IamNameRule(Phrase what, int max) => new Phrase("{0} is 1 to {1} letters, digits and '+=,.@_-'.", what, max);

    [GeneratedRegex("^i-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceId();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedQuad();

    [GeneratedRegex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex KmsKeyArn();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicName();

    [GeneratedRegex("^alias/[A-Za-z0-9/_-]{1,250}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyAlias();

    /// <summary>MaxSessionDuration's pattern in SSM's API model (Session document preferences), as AWS checks it.</summary>
    [GeneratedRegex(@"^([1-9]|[1-9][0-9]|[1-9][0-9][0-9]|1[0-4][0-3][0-9]|1440)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MaxSessionDuration();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,55}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RuleName();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailName();
}

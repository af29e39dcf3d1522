using Portal.Core.Setup;

namespace Portal.Tests.Core.Setup;

public sealed class SetupSettingsValidatorTests
{
    private static readonly SetupSettings Good = new()
    {
        BastionInstanceIds = ["i-0123456789abcdef0"],
        BucketName = "example-session-logs",
        TopicName = "bastion-logins",
        NotificationEmails = ["ops@example.com"],
    };

    [Fact]
    public void Validate_TheWizardsDefaults_AreGood() => Assert.Empty(SetupSettingsValidator.Validate(Good));

    [Theory]
    [InlineData("ab")]
    [InlineData("Example-Logs")]
    [InlineData("-logs")]
    [InlineData("logs-")]
    [InlineData("my..logs")]
    [InlineData("192.168.5.4")]
    [InlineData("xn--logs")]
    [InlineData("sthree-logs")]
    [InlineData("logs-s3alias")]
    [InlineData("logs--ol-s3")]
    [InlineData("logs_under")]
    public void Validate_BucketNamesS3Refuses_SayWhy(string bucket)
    {
        var errors = SetupSettingsValidator.Validate(Good with { BucketName = bucket });

        Assert.Equal([nameof(SetupSettings.BucketName)], errors.Keys);
        Assert.NotEmpty(errors[nameof(SetupSettings.BucketName)][0]);
    }

    [Fact]
    public void Validate_ChoicesOutsideTheirLists_AreRefusedByName()
    {
        // JSON may carry a number where a name belongs: (BucketEncryption)7 would otherwise pass as "not SSE-KMS".
        var errors = SetupSettingsValidator.Validate(Good with { Encryption = (BucketEncryption)7, NoticeLanguage = (NoticeLanguage)9 });

        Assert.Equal(["Encrypt with sse-s3 or sse-kms."], errors[nameof(SetupSettings.Encryption)]);
        Assert.Equal(["Write the login mails in en, ja or both."], errors[nameof(SetupSettings.NoticeLanguage)]);
    }

    [Theory]
    [InlineData("logs.example.com")]
    [InlineData("a1b")]
    [InlineData("123")]
    public void Validate_BucketNamesS3Takes_AreGood(string bucket) =>
        Assert.Empty(SetupSettingsValidator.Validate(Good with { BucketName = bucket }));

    [Theory]
    [InlineData("ops@example.com", true)]
    [InlineData("first.last+tag@mail.example.co.jp", true)]
    [InlineData("ops@localhost", false)]
    [InlineData("Ops <ops@example.com>", false)]
    [InlineData("ops@example.com\n", false)]
    [InlineData("not an address", false)]
    [InlineData("", false)]
    public void IsEmail_TakesPlainAddressesOnly(string address, bool expected) =>
        Assert.Equal(expected, SetupSettingsValidator.IsEmail(address));

    [Fact]
    public void Validate_EveryBadSetting_IsNamedWithItsMessage()
    {
        var bad = Good with
        {
            BastionInstanceIds = ["i-0123456789abcdef0", "i-XYZ", "i-0123456789abcdef0"],
            Encryption = BucketEncryption.SseKms,
            RetentionDays = 0,
            RoleName = "role with spaces",
            InstanceProfileName = new string('p', 65),
            LoggingPolicyName = string.Empty,
            IdleSessionTimeoutMinutes = 61,
            MaxSessionDurationMinutes = 0,
            TopicName = "logins.fifo",
            TopicDisplayName = "two\nlines",
            NotificationEmails = ["ops@example.com", "nobody"],
            RuleName = "rule/with/slashes",
            CreateTrailIfMissing = true,
            TrailName = "-x",
            EndUserPolicyName = "policy?",
        };

        var errors = SetupSettingsValidator.Validate(bad);

        Assert.Equal(
            new[]
            {
                nameof(SetupSettings.BastionInstanceIds), nameof(SetupSettings.KmsKeyArn), nameof(SetupSettings.RetentionDays),
                nameof(SetupSettings.RoleName), nameof(SetupSettings.InstanceProfileName), nameof(SetupSettings.LoggingPolicyName),
                nameof(SetupSettings.EndUserPolicyName), nameof(SetupSettings.IdleSessionTimeoutMinutes),
                nameof(SetupSettings.MaxSessionDurationMinutes), nameof(SetupSettings.TopicName), nameof(SetupSettings.TopicDisplayName),
                nameof(SetupSettings.NotificationEmails), nameof(SetupSettings.RuleName), nameof(SetupSettings.TrailName),
            }.Order(StringComparer.Ordinal),
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, errors[nameof(SetupSettings.BastionInstanceIds)].Length); // the bad id, and the repeat
        Assert.Contains("'nobody'", errors[nameof(SetupSettings.NotificationEmails)][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KmsKey_OnlyWithSseKms()
    {
        const string key = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

        Assert.Empty(SetupSettingsValidator.Validate(Good with { Encryption = BucketEncryption.SseKms, KmsKeyArn = key }));
        Assert.Equal([nameof(SetupSettings.KmsKeyArn)], SetupSettingsValidator.Validate(Good with { KmsKeyArn = key }).Keys);
        Assert.Equal([nameof(SetupSettings.BastionInstanceIds)], SetupSettingsValidator.Validate(Good with { BastionInstanceIds = [] }).Keys);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(999, true)]
    [InlineData(1000, true)]
    [InlineData(1039, true)]
    [InlineData(1045, false)] // SSM's pattern refuses it, though it is within 1,440
    [InlineData(1199, false)]
    [InlineData(1439, true)]
    [InlineData(1440, true)]
    [InlineData(1441, false)]
    [InlineData(0, false)]
    public void Validate_MaxSessionDuration_AsSsmsApiPatternHasIt(int minutes, bool valid) =>
        Assert.Equal(valid, !SetupSettingsValidator.Validate(Good with { MaxSessionDurationMinutes = minutes }).ContainsKey(nameof(SetupSettings.MaxSessionDurationMinutes)));
}

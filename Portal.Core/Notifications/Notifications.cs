using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Aws.Sns;
using Portal.Core.Hosting;
using Portal.Core.Persistence;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Notifications;

/// <summary>A notice in the portal.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Audience">Who it is for: <c>person:&lt;name&gt;</c> or <c>role:&lt;role&gt;</c>.</param>
/// <param name="Text">What happened, in a sentence.</param>
/// <param name="Link">Where to look, a portal path.</param>
/// <param name="At">When.</param>
/// <param name="Phrase">What happened, to say in the reader's language (null for notices kept before phrases were).</param>
public sealed record Notice(long Id, string Audience, string Text, string? Link, DateTimeOffset At, [property: System.Text.Json.Serialization.JsonIgnore] Phrase? Phrase = null)
{
    /// <summary>The notice in <paramref name="culture"/>'s language.</summary>
    public string TextIn(System.Globalization.CultureInfo culture) => Phrase?.ToString(culture) ?? Text;
}

/// <summary>Where notices go besides the portal. Bound from <c>Portal:Notifications</c>.</summary>
public sealed class NotificationOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Notifications";

    /// <summary>
    /// The SNS topic notices are mailed through. Empty: the login topic of the applied setup, if any. Messages carry
    /// the attributes <c>audience</c> and <c>person</c>, so a subscription can filter to what concerns it.
    /// </summary>
    [System.ComponentModel.DataAnnotations.RegularExpression(@"^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$", ErrorMessage = "must be an SNS topic ARN")]
    public string? TopicArn { get; set; }

    /// <summary>Whether notices are mailed at all. Defaults to true.</summary>
    public bool Mail { get; set; } = true;

    /// <summary>
    /// The languages a mail is written in, one after the other: <c>en</c>, <c>ja</c> or both (the default is English).
    /// The subject stays English: SNS takes ASCII only.
    /// </summary>
    public IList<string> MailLanguages { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        foreach (var language in MailLanguages.Where(l => l is not ("en" or "ja")))
        {
            yield return new System.ComponentModel.DataAnnotations.ValidationResult($"'{language}' is not a language the portal writes: use en, ja or both", [nameof(MailLanguages)]);
        }
    }
}

/// <summary>Notices for people and roles: kept in the portal, and mailed through SNS when a topic is configured.</summary>
public interface INotifications
{
    /// <summary>The audience for one person.</summary>
    static string Person(string name) => "person:" + name;

    /// <summary>The audience for everyone with a role.</summary>
    static string Role(string role) => "role:" + role;

    /// <summary>Keeps a notice and mails it; a mail that fails is logged, the notice stays.</summary>
    Task NotifyAsync(string audience, Phrase text, string? link = null, CancellationToken cancellationToken = default);

    /// <summary>The newest notices for a person: theirs and their roles'.</summary>
    Task<IReadOnlyList<Notice>> ForAsync(string person, IReadOnlyCollection<string> roles, int take = 20, CancellationToken cancellationToken = default);

    /// <summary>When the person last opened their notices.</summary>
    Task<DateTimeOffset?> SeenAtAsync(string person, CancellationToken cancellationToken = default);

    /// <summary>Records that the person has seen their notices now.</summary>
    Task MarkSeenAsync(string person, CancellationToken cancellationToken = default);
}

internal sealed partial class PortalNotifications(
    IDbContextFactory<PortalDbContext> contexts,
    ISnsClient sns,
    ISetupStore setups,
    IAwsEnvironment environment,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    PortalChanges changes,
    ILogger<PortalNotifications> logger) : INotifications
{
    /// <summary>The longest phrase kept with a notice, as JSON.</summary>
    internal const int MaxKeptPhrase = 4000;

    private AwsCallerIdentity? _caller;

    public async Task NotifyAsync(string audience, Phrase phrase, string? link = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentNullException.ThrowIfNull(phrase);
        var text = phrase.English;
        var now = time.GetUtcNow();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var kept = phrase.ToJson().ToJsonString();
            db.Notices.Add(new NoticeRecord
            {
                Audience = audience,
                Text = text.Length <= 1000 ? text : text[..1000],
                Phrase = kept.Length <= MaxKeptPhrase ? kept : null, // a phrase too long to keep is read in English
                Link = link,
                At = now,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        await changes.TouchAsync(ChangeTopic.Notices, cancellationToken);

        if (!options.Value.Mail || await TopicAsync(cancellationToken) is not { } topic)
        {
            return;
        }

        try
        {
            var kind = audience.StartsWith("role:", StringComparison.Ordinal) ? "role" : "person";
            await sns.PublishAsync(
                topic,
                MailBody(phrase, link),
                MailSubject(text),
                new Dictionary<string, string> { ["audience"] = kind, [kind] = audience[(kind.Length + 1)..] },
                cancellationToken);
        }
        catch (AwsApiException ex)
        {
            LogMailFailed(logger, topic, ex.ErrorCode);
        }
    }

    /// <summary>
    /// A mail subject SNS accepts from a notice's text (which holds a requester's free text): ASCII only, no line
    /// breaks or control characters, under 100 characters. Other characters are left out, whole text elements at a
    /// time; what is left is cut at 80.
    /// </summary>
    /// <summary>The mail's body: the notice and its link, in each of the mail languages (English when none is set).</summary>
    internal string MailBody(Phrase phrase, string? link)
    {
        var languages = options.Value.MailLanguages.Count == 0 ? ["en"] : options.Value.MailLanguages;
        return string.Join("\n\n----\n\n", languages.Distinct(StringComparer.OrdinalIgnoreCase).Select(language =>
        {
            var culture = System.Globalization.CultureInfo.GetCultureInfo(language);
            var text = phrase.ToString(culture);
            return link is null ? text : text + "\n\n" + new Phrase("In the portal: {0}", link).ToString(culture);
        }));
    }

    /// <summary>A kept phrase, or null when there is none or it cannot be read (the notice's English text stands).</summary>
    private static Phrase? Kept(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return Phrase.FromJson(System.Text.Json.Nodes.JsonNode.Parse(json));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static string MailSubject(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kept = new System.Text.StringBuilder(Math.Min(text.Length, 200));
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext() && kept.Length <= 200)
        {
            var element = elements.GetTextElement();
            var space = element.All(ch => char.IsWhiteSpace(ch) || char.IsControl(ch)); // "\r\n" is one text element
            if (space)
            {
                if (kept.Length > 0 && kept[^1] != ' ')
                {
                    kept.Append(' ');
                }
            }
            else if (element is [var c and > ' ' and <= '~'])
            {
                kept.Append(c);
            }
        }

        var subject = kept.ToString().Trim();
        subject = subject.Length <= 80 ? subject : subject[..77].TrimEnd() + "...";
        return subject.Length == 0 ? "Bastion Portal notice" : "Bastion Portal: " + subject;
    }

    public async Task<IReadOnlyList<Notice>> ForAsync(string person, IReadOnlyCollection<string> roles, int take = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var audiences = roles.Select(INotifications.Role).Append(INotifications.Person(person)).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notices.AsNoTracking()
            .Where(n => audiences.Contains(n.Audience))
            .OrderByDescending(n => n.Id)
            .Take(Math.Clamp(take, 1, 200))
            .Select(n => new { n.Id, n.Audience, n.Text, n.Link, n.At, n.Phrase })
            .ToListAsync(cancellationToken) is var rows
            ? [.. rows.Select(n => new Notice(n.Id, n.Audience, n.Text, n.Link, n.At, Kept(n.Phrase)))]
            : [];
    }

    public async Task<DateTimeOffset?> SeenAtAsync(string person, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.NoticeReads.AsNoTracking().SingleOrDefaultAsync(r => r.Person == person, cancellationToken))?.SeenAt;
    }

    public async Task MarkSeenAsync(string person, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (await db.NoticeReads.Where(r => r.Person == person).ExecuteUpdateAsync(u => u.SetProperty(r => r.SeenAt, now), cancellationToken) == 0)
        {
            db.NoticeReads.Add(new NoticeReadRecord { Person = person, SeenAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The configured topic, else the applied setup's login topic in this account and region.</summary>
    private async Task<string?> TopicAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.TopicArn))
        {
            return options.Value.TopicArn;
        }

        if (await setups.GetAsync(cancellationToken) is not { } saved)
        {
            return null;
        }

        try
        {
            var caller = _caller ??= await environment.GetCallerIdentityAsync(cancellationToken);
            return new SetupDocuments(saved.Settings, caller.Region, caller.Account).TopicArn;
        }
        catch (AwsApiException ex)
        {
            LogMailFailed(logger, saved.Settings.TopicName, ex.ErrorCode);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice could not be mailed through {Topic}: {ErrorCode}; it is kept in the portal")]
    private static partial void LogMailFailed(ILogger logger, string topic, string errorCode);
}

/// <summary>A stored notice.</summary>
internal sealed class NoticeRecord
{
    public long Id { get; set; }

    public string Audience { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    /// <summary>The notice as a phrase (JSON), to be said in each reader's language.</summary>
    public string? Phrase { get; set; }

    public string? Link { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>When a person last opened their notices.</summary>
internal sealed class NoticeReadRecord
{
    public string Person { get; set; } = string.Empty;

    public DateTimeOffset SeenAt { get; set; }
}

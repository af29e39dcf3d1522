using System.Globalization;
using System.Resources;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Portal.Core.Text;

/// <summary>
/// Something the portal says to a person: an English template and its values, such as the template
/// <c>Grant {0} has expired.</c> with the value 12. <see cref="ToString()"/> is the English, for the API, logs, the audit trail and whatever
/// stores text; <see cref="ToString(CultureInfo)"/> says it in a person's language, from <c>Phrases.ja.resx</c>.
/// Values may be phrases themselves, said in the same language. The build check (Directory.Build.targets) finds every template
/// written as a literal in a constructor call and fails when one has no Japanese (ADR 0022). In JSON a phrase is its English.
/// </summary>
[JsonConverter(typeof(PhraseJsonConverter))]
public sealed class Phrase : IFormattable
{
    private static readonly ResourceManager Translations = new("Portal.Core.Text.Phrases", typeof(Phrase).Assembly);

    /// <summary>A phrase with its values.</summary>
    /// <param name="template">The English, with <c>{0}</c>-style holes; it is also the key of its translations.</param>
    /// <param name="args">The values: strings, numbers or phrases.</param>
    public Phrase(string template, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        Template = template;
        Args = args ?? [];
    }

    /// <summary>The English template.</summary>
    public string Template { get; }

    /// <summary>The values that fill it.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>The phrase in English.</summary>
    public string English => ToString(CultureInfo.InvariantCulture);

    /// <summary>The phrase in English.</summary>
    public override string ToString() => English;

    /// <summary>The phrase in <paramref name="culture"/>'s language; English when it has no translation.</summary>
    public string ToString(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var template = culture.TwoLetterISOLanguageName is "en" or "iv" ? Template : Translate(Template, culture);
        var values = Args.Select(a => a is Phrase phrase ? phrase.ToString(culture) : a).ToArray();
        return values.Length == 0 ? template : string.Format(culture, template, values);
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        ToString(formatProvider as CultureInfo ?? CultureInfo.InvariantCulture);

    /// <summary>The phrase as JSON, to be kept and said later in whoever reads it's language.</summary>
    public JsonObject ToJson() => new()
    {
        ["t"] = Template,
        ["a"] = new JsonArray([.. Args.Select(a => a switch
        {
            Phrase phrase => (JsonNode)phrase.ToJson(),
            null => null,
            IFormattable formattable => JsonValue.Create(formattable.ToString(null, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(a.ToString()),
        })]),
    };

    /// <summary>A phrase kept by <see cref="ToJson"/>; values come back as text (they were formatted when kept).</summary>
    /// <exception cref="FormatException">The JSON is not a kept phrase.</exception>
    public static Phrase FromJson(JsonNode? json)
    {
        if (json is not JsonObject { } kept || kept["t"]?.GetValue<string>() is not { Length: > 0 } template)
        {
            throw new FormatException("Not a kept phrase.");
        }

        var args = (kept["a"] as JsonArray ?? []).Select(a => a is JsonObject ? (object?)FromJson(a) : a?.GetValue<string>()).ToArray();
        return new Phrase(template, args);
    }

    private static string Translate(string template, CultureInfo culture)
    {
        try
        {
            return Translations.GetString(template, culture) ?? template;
        }
        catch (MissingManifestResourceException)
        {
            return template; // no resource for this language: English
        }
    }
}

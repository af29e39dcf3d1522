using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Core.Text;

/// <summary>
/// Writes a phrase as its English text, as the API speaks (ADR 0022), and reads text back as a phrase without
/// values. What is kept to be said later in another language is kept with <see cref="Phrase.ToJson"/> instead.
/// </summary>
public sealed class PhraseJsonConverter : JsonConverter<Phrase>
{
    /// <inheritdoc />
    public override Phrase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { Length: > 0 } text ? new Phrase(text) : throw new JsonException("A phrase is a non-empty string.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Phrase value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.English);
    }
}

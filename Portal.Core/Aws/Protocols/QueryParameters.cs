using System.Globalization;

namespace Portal.Core.Aws.Protocols;

/// <summary>The form fields of an AWS Query protocol request, with the list and map encodings the services use.</summary>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public QueryParameters Add(string name, string? value)
    {
        if (value is not null)
        {
            _fields.Add(new(name, value));
        }

        return this;
    }

    public QueryParameters Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public QueryParameters Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A list as <c>Name.member.1</c>, <c>Name.member.2</c>...</summary>
    public QueryParameters AddList(string name, IEnumerable<string> values)
    {
        var i = 1;
        foreach (var value in values)
        {
            Add($"{name}.member.{i++}", value);
        }

        return this;
    }

    /// <summary>Tags as <c>Tags.member.N.Key</c> and <c>Tags.member.N.Value</c>.</summary>
    public QueryParameters AddTags(string name, IEnumerable<KeyValuePair<string, string>>? tags)
    {
        var i = 1;
        foreach (var (key, value) in tags ?? [])
        {
            Add($"{name}.member.{i}.Key", key);
            Add($"{name}.member.{i}.Value", value);
            i++;
        }

        return this;
    }

    /// <summary>A map as <c>Name.entry.N.key</c> and <c>Name.entry.N.value</c>.</summary>
    public QueryParameters AddMap(string name, IEnumerable<KeyValuePair<string, string>>? entries)
    {
        var i = 1;
        foreach (var (key, value) in entries ?? [])
        {
            Add($"{name}.entry.{i}.key", key);
            Add($"{name}.entry.{i}.value", value);
            i++;
        }

        return this;
    }
}

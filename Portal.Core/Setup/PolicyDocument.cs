using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Core.Setup;

/// <summary>
/// An IAM-style policy document (identity, bucket, topic and trust policies share the grammar), written with the
/// serializer so no name or value is ever spliced into JSON text.
/// </summary>
/// <param name="Statement">The statements, in order.</param>
public sealed record PolicyDocument(IReadOnlyList<PolicyStatement> Statement)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The policy language version; always the current one.</summary>
    public string Version { get; init; } = "2012-10-17";

    /// <summary>The document as IAM, S3 and SNS take it.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { Version, Statement }, Json);
}

/// <summary>One statement. Actions and resources are lists even when there is one, as the console writes them.</summary>
/// <param name="Sid">A name for the statement, unique in its document; how the wizard finds its own in a merged policy.</param>
/// <param name="Effect"><c>Allow</c> or <c>Deny</c>.</param>
/// <param name="Action">The actions.</param>
/// <param name="Resource">The resources; <see langword="null"/> in a trust policy.</param>
public sealed record PolicyStatement(string? Sid, string Effect, IReadOnlyList<string> Action, IReadOnlyList<string>? Resource)
{
    /// <summary>Who the statement is about, in resource and trust policies: <c>"*"</c> or <c>{"Service": [...]}</c>.</summary>
    public object? Principal { get; init; }

    /// <summary>Conditions: operator, then key, then value (a string or a list of strings).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>>? Condition { get; init; }

    /// <summary>A principal that is one or more AWS services.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Services(params string[] services) =>
        new Dictionary<string, IReadOnlyList<string>> { ["Service"] = services };
}

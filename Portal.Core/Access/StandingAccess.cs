using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Core.Access;

/// <summary>
/// Reads an IAM policy document for what would let someone start a session on a bastion without the portal: an Allow
/// statement whose actions reach <c>ssm:StartSession</c> and whose resources reach the bastion's instance ARN. Actions
/// and resources are matched with IAM's wildcards (<c>*</c>, <c>?</c>; a policy variable counts as <c>*</c>), and
/// <c>NotAction</c> and <c>NotResource</c> as IAM reads them. Conditions are not evaluated: a statement that holds only
/// at some times or from some places is still access the portal did not grant, so it is reported, saying it has them.
/// </summary>
public static partial class StandingAccess
{
    private const string StartSession = "ssm:StartSession";

    /// <summary>One statement that allows starting sessions on bastions.</summary>
    /// <param name="Sid">The statement's id, when it has one.</param>
    /// <param name="Bastions">The instance ARNs it reaches.</param>
    /// <param name="Conditional">Whether it carries a Condition.</param>
    public sealed record Allowance(string? Sid, IReadOnlyList<string> Bastions, bool Conditional);

    /// <summary>The statements of <paramref name="document"/> that allow StartSession on any of <paramref name="bastionArns"/>.</summary>
    /// <exception cref="JsonException">The document is not JSON.</exception>
    public static IReadOnlyList<Allowance> Find(string document, IReadOnlyCollection<string> bastionArns)
    {
        ArgumentNullException.ThrowIfNull(bastionArns);
        using var json = JsonDocument.Parse(document);
        if (!json.RootElement.TryGetProperty("Statement", out var statements))
        {
            return [];
        }

        var found = new List<Allowance>();
        foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray() : Enumerate(statements))
        {
            if (!string.Equals(Text(statement, "Effect"), "Allow", StringComparison.OrdinalIgnoreCase) || !ReachesStartSession(statement))
            {
                continue;
            }

            var reached = bastionArns.Where(arn => ReachesResource(statement, arn)).ToList();
            if (reached.Count > 0)
            {
                found.Add(new Allowance(Text(statement, "Sid"), reached, statement.TryGetProperty("Condition", out _)));
            }
        }

        return found;
    }

    private static bool ReachesStartSession(JsonElement statement) =>
        statement.TryGetProperty("Action", out var actions) ? Strings(actions).Any(a => Matches(a, StartSession, ignoreCase: true))
        : statement.TryGetProperty("NotAction", out var notActions) && !Strings(notActions).Any(a => Matches(a, StartSession, ignoreCase: true));

    private static bool ReachesResource(JsonElement statement, string arn) =>
        statement.TryGetProperty("Resource", out var resources) ? Strings(resources).Any(r => Matches(r, arn, ignoreCase: false))
        : statement.TryGetProperty("NotResource", out var notResources) && !Strings(notResources).Any(r => Matches(r, arn, ignoreCase: false));

    /// <summary>IAM's wildcard match: <c>*</c> any run, <c>?</c> one character; a <c>${...}</c> variable may be anything.</summary>
    internal static bool Matches(string pattern, string value, bool ignoreCase)
    {
        var regex = "^" + string.Concat(Variables().Split(pattern).Select((part, i) => i % 2 == 1 ? ".*" : Regex.Escape(part).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal))) + "$";
        return Regex.IsMatch(value, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static IEnumerable<JsonElement> Enumerate(JsonElement one)
    {
        yield return one;
    }

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!]
        : [];

    private static string? Text(JsonElement statement, string name) =>
        statement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"(\$\{[^}]*\})")]
    private static partial Regex Variables();
}

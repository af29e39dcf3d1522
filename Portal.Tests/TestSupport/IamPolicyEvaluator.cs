using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Tests.TestSupport;

/// <summary>How IAM decided a request.</summary>
internal enum IamDecision
{
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// <summary>
/// A request as IAM evaluates it: the action, the resource's ARN, and the request context (condition keys, each with
/// one or more values; a key that is absent is not in the dictionary).
/// </summary>
internal sealed record IamRequest(string Action, string Resource, IReadOnlyDictionary<string, string[]>? Context = null)
{
    public string[]? Values(string key) =>
        Context?.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A small evaluator of identity policies and a permissions boundary within one account, as AWS's policy evaluation
/// logic documents it: an explicit Deny in any of them wins; otherwise the identity policies must allow, and so must
/// the boundary when there is one. It knows Action/NotAction, Resource/NotResource with wildcards and policy variables
/// (<c>${aws:userid}</c>, ...), and the condition operators the portal's documents use; any other operator throws, so a
/// test cannot pass by not understanding a policy. Not modelled: service control policies, resource-based and
/// session policies.
/// </summary>
internal static class IamPolicyEvaluator
{
    public static IamDecision Evaluate(IEnumerable<string> identityPolicies, string? boundary, IamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = identityPolicies.Select(Statements).SelectMany(s => s).ToList();
        var bounds = boundary is null ? null : Statements(boundary).ToList();
        var all = bounds is null ? identity : [.. identity, .. bounds];
        if (all.Any(s => IsDeny(s) && Applies(s, request)))
        {
            return IamDecision.ExplicitDeny;
        }

        var allowed = identity.Any(s => !IsDeny(s) && Applies(s, request));
        var withinBoundary = bounds is null || bounds.Any(s => !IsDeny(s) && Applies(s, request));
        return allowed && withinBoundary ? IamDecision.Allow : IamDecision.ImplicitDeny;
    }

    /// <summary>A request context from pairs of key and value.</summary>
    public static IReadOnlyDictionary<string, string[]> Context(params (string Key, string Value)[] pairs) =>
        pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToArray(), StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<JsonElement> Statements(string policy)
    {
        var root = JsonDocument.Parse(policy).RootElement.Clone();
        var statement = root.GetProperty("Statement");
        return statement.ValueKind == JsonValueKind.Array ? [.. statement.EnumerateArray()] : [statement];
    }

    private static bool IsDeny(JsonElement statement) => statement.GetProperty("Effect").GetString() == "Deny";

    private static bool Applies(JsonElement statement, IamRequest request)
    {
        var action = statement.TryGetProperty("Action", out var actions)
            ? Strings(actions).Any(a => Matches(a, request.Action, ignoreCase: true))
            : !Strings(statement.GetProperty("NotAction")).Any(a => Matches(a, request.Action, ignoreCase: true));
        var resource = statement.TryGetProperty("Resource", out var resources)
            ? Strings(resources).Any(r => Matches(Substitute(r, request), request.Resource, ignoreCase: false))
            : !Strings(statement.GetProperty("NotResource")).Any(r => Matches(Substitute(r, request), request.Resource, ignoreCase: false));
        return action && resource
            && (!statement.TryGetProperty("Condition", out var conditions) || conditions.EnumerateObject().All(c => Holds(c.Name, c.Value, request)));
    }

    /// <summary>One operator's block: every key in it must hold; a key holds when any of its policy values matches.</summary>
    private static bool Holds(string op, JsonElement keys, IamRequest request)
    {
        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        var name = ifExists ? op[..^"IfExists".Length] : op;
        foreach (var key in keys.EnumerateObject())
        {
            var wanted = Strings(key.Value).Select(v => Substitute(v, request)).ToList();
            var actual = request.Values(key.Name);
            if (name == "Null")
            {
                if ((actual is null) != string.Equals(wanted.Single(), "true", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                continue;
            }

            if (actual is null)
            {
                // An absent key: IfExists holds; a negated operator holds (nothing equals); any other does not.
                if (ifExists || name.Contains("Not", StringComparison.Ordinal))
                {
                    continue;
                }

                return false;
            }

            var holds = name switch
            {
                "StringEquals" => actual.Any(a => wanted.Contains(a, StringComparer.Ordinal)),
                "StringNotEquals" => !actual.Any(a => wanted.Contains(a, StringComparer.Ordinal)),
                "StringEqualsIgnoreCase" => actual.Any(a => wanted.Contains(a, StringComparer.OrdinalIgnoreCase)),
                "StringLike" or "ArnLike" or "ArnEquals" => actual.Any(a => wanted.Any(w => Matches(w, a, ignoreCase: false))),
                "StringNotLike" or "ArnNotLike" or "ArnNotEquals" => !actual.Any(a => wanted.Any(w => Matches(w, a, ignoreCase: false))),
                "Bool" => actual.Any(a => wanted.Contains(a, StringComparer.OrdinalIgnoreCase)),
                "DateGreaterThan" => actual.Any(a => wanted.Any(w => Date(a) > Date(w))),
                "DateLessThan" => actual.Any(a => wanted.Any(w => Date(a) < Date(w))),
                _ => throw new NotSupportedException($"The evaluator does not know the condition operator {op}."),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset Date(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [value.GetString()!];

    /// <summary>Policy variables, from the request context (<c>${aws:userid}</c> is the key <c>aws:userid</c>).</summary>
    private static string Substitute(string value, IamRequest request) =>
        Regex.Replace(value, @"\$\{([^}]+)\}", m => request.Values(m.Groups[1].Value)?.FirstOrDefault() ?? m.Value);

    /// <summary><c>*</c> any run of characters, <c>?</c> one; nothing else is special.</summary>
    private static bool Matches(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
}

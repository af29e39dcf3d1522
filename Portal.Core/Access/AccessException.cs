namespace Portal.Core.Access;

/// <summary>Why an access action was refused; the API maps each kind to its status code.</summary>
public enum AccessRefusal
{
    /// <summary>The input is wrong (400); <see cref="AccessException.Errors"/> names each problem.</summary>
    Invalid,

    /// <summary>No such request or grant (404).</summary>
    NotFound,

    /// <summary>The person may not do this to this request or grant (403).</summary>
    Forbidden,

    /// <summary>Its state does not allow it, or it is one's own request (409).</summary>
    Conflict,
}

/// <summary>An access action that was refused before anything changed.</summary>
public sealed class AccessException(AccessRefusal refusal, string message, IReadOnlyDictionary<string, string[]>? errors = null) : Exception(message)
{
    /// <summary>Why.</summary>
    public AccessRefusal Refusal { get; } = refusal;

    /// <summary>With <see cref="AccessRefusal.Invalid"/>: the problems, by field (camelCase, as the API names them).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    internal static AccessException Invalid(string field, string message) => new(AccessRefusal.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });
}

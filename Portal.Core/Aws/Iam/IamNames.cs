using System.Text.RegularExpressions;

namespace Portal.Core.Aws.Iam;

/// <summary>IAM's own rules for names, checked before a name from a claim, a form or configuration reaches AWS.</summary>
public static partial class IamNames
{
    /// <summary>The ARN of the customer-managed policy <paramref name="name"/> in an account.</summary>
    public static string PolicyArn(string partition, string accountId, string name) => $"arn:{partition}:iam::{accountId}:policy/{name}";

    /// <summary>True for a valid IAM user name: 1 to 64 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidUserName(string? name) => name is not null && UserOrGroup().IsMatch(name);

    /// <summary>True for a valid IAM group name: 1 to 128 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidGroupName(string? name) => name is not null && name.Length <= 128 && Word().IsMatch(name);

    /// <summary>True for a valid IAM role name: 1 to 64 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidRoleName(string? name) => name is not null && UserOrGroup().IsMatch(name);

    /// <summary>True for a valid policy name: 1 to 128 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidPolicyName(string? name) => name is not null && name.Length <= 128 && Word().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserOrGroup();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}

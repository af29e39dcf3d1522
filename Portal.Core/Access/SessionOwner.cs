namespace Portal.Core.Access;

/// <summary>Reads a session's owner ARN (what DescribeSessions and CloudTrail report).</summary>
public static class SessionOwner
{
    /// <summary>
    /// The IAM user name in <c>arn:&lt;partition&gt;:iam::&lt;account&gt;:user/[path/]name</c>, or <see langword="null"/>
    /// for any other principal (an assumed role, root). The path is skipped: IAM user names are unique in an account
    /// whatever their path.
    /// </summary>
    public static string? IamUserName(string? ownerArn)
    {
        if (ownerArn is null)
        {
            return null;
        }

        var parts = ownerArn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "iam" || !parts[5].StartsWith("user/", StringComparison.Ordinal))
        {
            return null;
        }

        var name = parts[5][(parts[5].LastIndexOf('/') + 1)..];
        return name.Length == 0 ? null : name;
    }

    /// <summary>The account in an owner ARN, or <see langword="null"/>.</summary>
    public static string? Account(string? ownerArn) =>
        ownerArn?.Split(':', 6) is { Length: 6 } parts && parts[0] == "arn" ? parts[4] : null;
}

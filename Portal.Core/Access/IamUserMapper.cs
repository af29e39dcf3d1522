using Microsoft.Extensions.Options;
using Portal.Core.Aws.Iam;

namespace Portal.Core.Access;

/// <summary>A portal person as access sees them: who they are, and what their sign-in says about IAM.</summary>
/// <param name="Name">The sign-in name.</param>
/// <param name="Email">The e-mail the sign-in carries, when it does.</param>
/// <param name="IamUserClaim">The <c>portal:iam_user</c> claim, when present.</param>
public sealed record AccessPerson(string Name, string? Email = null, string? IamUserClaim = null);

/// <summary>The IAM user a person's grants go to, or what is missing.</summary>
/// <param name="UserName">The IAM user, when found.</param>
/// <param name="Problem">What is missing, in a sentence, when not.</param>
public sealed record IamMapping(string? UserName, string? Problem);

/// <summary>Finds a person's IAM user, by the sign-in claim or by an IAM user tag (<see cref="AccessOptions.IamMapping"/>).</summary>
public interface IIamUserMapper
{
    /// <summary>The person's IAM user, checked to exist, or the reason there is none.</summary>
    /// <exception cref="Aws.AwsApiException">IAM could not be read.</exception>
    Task<IamMapping> MapAsync(AccessPerson person, CancellationToken cancellationToken = default);
}

internal sealed class IamUserMapper(IIamClient iam, IOptions<AccessOptions> options) : IIamUserMapper
{
    public async Task<IamMapping> MapAsync(AccessPerson person, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var mapping = options.Value.IamMapping;
        if (mapping.Mode == IamMappingMode.Claim)
        {
            if (string.IsNullOrWhiteSpace(person.IamUserClaim))
            {
                return new IamMapping(null, $"Your sign-in does not say which IAM user you are (the portal:iam_user claim is missing): ask an Admin to map {person.Name} to an IAM user.");
            }

            if (!IamNames.IsValidUserName(person.IamUserClaim))
            {
                return new IamMapping(null, $"Your sign-in names '{person.IamUserClaim}' as your IAM user, which is not a valid IAM user name.");
            }

            return await iam.GetUserAsync(person.IamUserClaim, cancellationToken) is null
                ? new IamMapping(null, $"Your sign-in maps you to the IAM user {person.IamUserClaim}, which does not exist in this account.")
                : new IamMapping(person.IamUserClaim, null);
        }

        var wanted = new[] { person.Email, person.Name }.Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        foreach (var user in await iam.ListUsersAsync(cancellationToken))
        {
            var tags = await iam.ListUserTagsAsync(user.UserName, cancellationToken);
            if (tags.Any(t => t.Key == mapping.TagKey && wanted.Contains(t.Value, StringComparer.OrdinalIgnoreCase)))
            {
                return new IamMapping(user.UserName, null);
            }
        }

        return new IamMapping(null, $"No IAM user is tagged {mapping.TagKey} = {person.Email ?? person.Name}: ask an Admin to tag yours.");
    }
}

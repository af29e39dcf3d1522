using Microsoft.Extensions.Options;
using Portal.Core.Aws.Iam;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>A portal person as access sees them: who they are, and what their sign-in says about IAM.</summary>
/// <param name="Name">The sign-in name.</param>
/// <param name="Email">The e-mail the sign-in carries, when it does.</param>
/// <param name="IamUserClaim">The <c>portal:iam_user</c> claim, when present.</param>
/// <param name="Roles">The portal roles the sign-in holds (break-glass needs both Requester and Approver).</param>
public sealed record AccessPerson(string Name, string? Email = null, string? IamUserClaim = null, IReadOnlyCollection<string>? Roles = null)
{
    /// <summary>Whether the sign-in holds <paramref name="role"/>.</summary>
    public bool Holds(string role) => Roles?.Contains(role, StringComparer.Ordinal) == true;
}

/// <summary>The IAM user a person's grants go to, or what is missing.</summary>
/// <param name="UserName">The IAM user, when found.</param>
/// <param name="Problem">What is missing, in a sentence, when not.</param>
public sealed record IamMapping(string? UserName, Phrase? Problem);

/// <summary>Finds a person's IAM user, by the sign-in claim or by an IAM user tag (<see cref="AccessOptions.IamMapping"/>).</summary>
public interface IIamUserMapper
{
    /// <summary>The person's IAM user, checked to exist, or the reason there is none.</summary>
    /// <exception cref="Aws.AwsApiException">IAM could not be read.</exception>
    Task<IamMapping> MapAsync(AccessPerson person, CancellationToken cancellationToken = default);
}

internal sealed class IamUserMapper(IIamClient iam, IOptions<AccessOptions> options, TimeProvider time) : IIamUserMapper, IDisposable
{
    /// <summary>How long the tag index is trusted; a name it does not hold reads IAM again after <see cref="MissRefresh"/>.</summary>
    private static readonly TimeSpan IndexLifetime = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MissRefresh = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _building = new(1, 1);
    private (DateTimeOffset BuiltAt, IReadOnlyDictionary<string, string> UserByTag)? _index;

    public void Dispose() => _building.Dispose();

    public async Task<IamMapping> MapAsync(AccessPerson person, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var mapping = options.Value.IamMapping;
        if (mapping.Mode == IamMappingMode.Claim)
        {
            if (string.IsNullOrWhiteSpace(person.IamUserClaim))
            {
                return new IamMapping(null, new Phrase("Your sign-in does not say which IAM user you are (the portal:iam_user claim is missing): ask an Admin to map {0} to an IAM user.", person.Name));
            }

            if (!IamNames.IsValidUserName(person.IamUserClaim))
            {
                return new IamMapping(null, new Phrase("Your sign-in names '{0}' as your IAM user, which is not a valid IAM user name.", person.IamUserClaim));
            }

            return await iam.GetUserAsync(person.IamUserClaim, cancellationToken) is null
                ? new IamMapping(null, new Phrase("Your sign-in maps you to the IAM user {0}, which does not exist in this account.", person.IamUserClaim))
                : new IamMapping(person.IamUserClaim, null);
        }

        var wanted = new[] { person.Email, person.Name }.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();
        var index = await IndexAsync(mapping.TagKey, refreshOlderThan: IndexLifetime, cancellationToken);
        if (Find(index, wanted) is null)
        {
            // Someone may have been tagged since the index was read.
            index = await IndexAsync(mapping.TagKey, refreshOlderThan: MissRefresh, cancellationToken);
        }

        return Find(index, wanted) is { } user
            ? new IamMapping(user, null)
            : new IamMapping(null, new Phrase("No IAM user is tagged {0} = {1}: ask an Admin to tag yours.", mapping.TagKey, person.Email ?? person.Name));
    }

    private static string? Find(IReadOnlyDictionary<string, string> index, IEnumerable<string> wanted) =>
        wanted.Select(w => index.GetValueOrDefault(w)).FirstOrDefault(u => u is not null);

    /// <summary>Tag value to IAM user for every user in the account, read again when older than the limit given.</summary>
    private async Task<IReadOnlyDictionary<string, string>> IndexAsync(string tagKey, TimeSpan refreshOlderThan, CancellationToken cancellationToken)
    {
        await _building.WaitAsync(cancellationToken);
        try
        {
            if (_index is { } built && time.GetUtcNow() - built.BuiltAt < refreshOlderThan)
            {
                return built.UserByTag;
            }

            var userByTag = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in await iam.ListUsersAsync(cancellationToken))
            {
                foreach (var tag in (await iam.ListUserTagsAsync(user.UserName, cancellationToken)).Where(t => t.Key == tagKey))
                {
                    userByTag.TryAdd(tag.Value, user.UserName);
                }
            }

            _index = (time.GetUtcNow(), userByTag);
            return userByTag;
        }
        finally
        {
            _building.Release();
        }
    }
}

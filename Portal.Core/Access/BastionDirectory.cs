using Microsoft.Extensions.Options;
using Portal.Core.Setup;

namespace Portal.Core.Access;

/// <summary>The bastions the portal grants access to and guards.</summary>
public interface IBastionDirectory
{
    /// <summary>The applied setup's bastions, else <see cref="AccessOptions.Bastions"/>, else the instances with <see cref="AccessOptions.BastionNameTag"/>.</summary>
    /// <exception cref="Aws.AwsApiException">EC2 could not be read (only when the bastions are found by tag).</exception>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The bastions with their Name tags, for people to pick from; without names when EC2 cannot be read.</summary>
    /// <exception cref="Aws.AwsApiException">As <see cref="ListAsync"/>.</exception>
    Task<IReadOnlyList<Bastion>> DescribeAsync(CancellationToken cancellationToken = default);
}

/// <summary>A bastion as people know it: its Name tag, if any, and its instance id.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Name">Its Name tag, or <see langword="null"/>.</param>
public sealed record Bastion(string InstanceId, string? Name)
{
    /// <summary><c>Name (i-...)</c>, or the id alone.</summary>
    public string Label => Name is { Length: > 0 } name ? $"{name} ({InstanceId})" : InstanceId;

    /// <summary>The label of the bastion with <paramref name="instanceId"/> among <paramref name="bastions"/>, else the id itself.</summary>
    public static string LabelOf(IEnumerable<Bastion> bastions, string? instanceId) =>
        bastions.FirstOrDefault(b => b.InstanceId == instanceId)?.Label ?? instanceId ?? string.Empty;
}

internal sealed class BastionDirectory(ISetupStore setups, IAwsEnvironment environment, IOptions<AccessOptions> options) : IBastionDirectory
{
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (await setups.GetAsync(cancellationToken) is { } saved)
        {
            return saved.Settings.BastionInstanceIds;
        }

        if (options.Value.Bastions.Count > 0 || options.Value.BastionNameTag is not { } name)
        {
            return [.. options.Value.Bastions];
        }

        return [.. (await environment.ListInstancesAsync(cancellationToken)).Where(i => i.Name == name).Select(i => i.InstanceId)];
    }

    public async Task<IReadOnlyList<Bastion>> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var ids = await ListAsync(cancellationToken);
        IReadOnlyDictionary<string, string?> names;
        try
        {
            names = (await environment.ListInstancesAsync(cancellationToken)).ToDictionary(i => i.InstanceId, i => i.Name, StringComparer.Ordinal);
        }
        catch (Aws.AwsApiException)
        {
            // The ids are what matters; the names are a courtesy when EC2 answers.
            names = new Dictionary<string, string?>();
        }

        return [.. ids.Select(id => new Bastion(id, names.GetValueOrDefault(id)))];
    }
}

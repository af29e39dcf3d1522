using Microsoft.Extensions.Options;
using Portal.Core.Setup;

namespace Portal.Core.Access;

/// <summary>The bastions the portal grants access to and guards.</summary>
public interface IBastionDirectory
{
    /// <summary>The applied setup's bastions, else <see cref="AccessOptions.Bastions"/>, else the instances with <see cref="AccessOptions.BastionNameTag"/>.</summary>
    /// <exception cref="Aws.AwsApiException">EC2 could not be read (only when the bastions are found by tag).</exception>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
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
}

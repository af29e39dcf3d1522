using Amazon.SecurityToken;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Setup;

/// <summary>Who the portal itself is in AWS, whichever role the wizard runs as: the one principal the digest key lets sign.</summary>
internal sealed class PortalIdentity(IAwsEnvironment environment)
{
    private AwsCallerIdentity? _identity;

    /// <summary>STS GetCallerIdentity with the portal's own credentials, asked once.</summary>
    /// <exception cref="AwsApiException">STS refused the call or is unreachable.</exception>
    public async Task<AwsCallerIdentity> GetAsync(CancellationToken cancellationToken) =>
        _identity ??= await environment.GetCallerIdentityAsync(cancellationToken);
}

/// <summary>
/// The wizard's engine and view of the account. Without <see cref="SetupOptions.RoleArn"/> they are the portal's own;
/// with it, they live in a container of their own whose every AWS client signs with the setup role's credentials
/// (assumed with the portal's), so nothing else in the portal ever holds the wizard's permissions.
/// </summary>
internal sealed class SetupScope : IDisposable
{
    private readonly ServiceProvider? _own;

    public SetupScope(IServiceProvider root, IOptions<SetupOptions> options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        RoleArn = options.Value.RoleArn;
        if (RoleArn is not { } role)
        {
            Engine = ActivatorUtilities.CreateInstance<SetupEngine>(root);
            Environment = root.GetRequiredService<IAwsEnvironment>();
            return;
        }

        var services = new ServiceCollection();
        services.AddSingleton(root.GetRequiredService<IConfiguration>());
        services.AddSingleton(root.GetRequiredService<IOptions<PortalAwsOptions>>()); // as the portal resolved them, sandbox endpoint included
        services.AddSingleton(root.GetRequiredService<ILoggerFactory>());
        services.AddLogging();
        services.AddSingleton(root.GetRequiredService<TimeProvider>());
        services.AddSingleton(root.GetRequiredService<PortalIdentity>());
        services.AddPortalAws(_ => new SetupRoleCredentials(root.GetRequiredService<IAmazonSecurityTokenService>(), role));
        services.AddSingleton<IAwsEnvironment, AwsEnvironment>();
        services.AddSetupSteps();
        services.AddSingleton<SetupEngine>();
        _own = services.BuildServiceProvider();
        Engine = _own.GetRequiredService<SetupEngine>();
        Environment = _own.GetRequiredService<IAwsEnvironment>();
    }

    /// <summary>The setup role, when the wizard assumes one.</summary>
    public string? RoleArn { get; }

    /// <summary>The engine the page and the API use.</summary>
    public ISetupEngine Engine { get; }

    /// <summary>The account as the wizard reads it (instances, users, preferences, agents).</summary>
    public IAwsEnvironment Environment { get; }

    public void Dispose() => _own?.Dispose();
}

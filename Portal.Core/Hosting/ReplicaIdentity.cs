using System.Reflection;
using Microsoft.Extensions.Options;

namespace Portal.Core.Hosting;

/// <summary>Who this process is among the replicas, and which build it runs.</summary>
public sealed class ReplicaIdentity
{
    /// <summary>Names this replica from <c>Portal:Replica:Name</c>, else its host name and process id.</summary>
    public ReplicaIdentity(IOptions<ReplicaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A container's host name is unique per container; the process id keeps two processes on one machine apart.
        Name = options.Value.Name is { Length: > 0 } name ? name : $"{Environment.MachineName}:{Environment.ProcessId}";
        Version = typeof(ReplicaIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ReplicaIdentity).Assembly.GetName().Version?.ToString()
            ?? "unknown";
    }

    /// <summary>This replica's name.</summary>
    public string Name { get; }

    /// <summary>The portal's build (its informational version).</summary>
    public string Version { get; }
}

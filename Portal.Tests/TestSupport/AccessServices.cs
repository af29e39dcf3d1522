using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core;
using Portal.Core.Access;
using Portal.Core.Audit;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Setup;

namespace Portal.Tests.TestSupport;

/// <summary>Core's access services as the portal registers them, over a test database and clock.</summary>
internal static class AccessServices
{
    /// <summary>
    /// Registers access (requests, grants, live sessions, findings, maintenance) through Core's own registration, with the
    /// real AWS clients the collection already has; <paramref name="sessions"/> may wrap the real live-session client
    /// (for failure paths).
    /// </summary>
    public static IServiceCollection AddAccess(
        this IServiceCollection services,
        IDbContextFactory<PortalDbContext> database,
        TimeProvider time,
        Action<AccessOptions> configure,
        Func<ILiveSessions, ILiveSessions>? sessions = null,
        Action<NotificationOptions>? notices = null)
    {
        services.AddSingleton(database);
        services.AddSingleton(time);
        services.AddSingleton<IAuditTrail, AuditTrail>();
        services.AddSingleton<ISetupStore, InMemorySetupStore>();
        services.AddSingleton<LiveSessions>();
        services.AddSingleton<ILiveSessions>(sp => (sessions ?? (real => real))(sp.GetRequiredService<LiveSessions>()));
        services.AddOptions<AccessOptions>().Configure(configure);
        services.AddOptions<NotificationOptions>().Configure(o => notices?.Invoke(o));
        services.AddSingleton<INotifications, PortalNotifications>();
        services.AddSingleton<IIamUserMapper, IamUserMapper>();

        services.AddPortalReplicas();

        // The rest as the portal registers it (what is registered above stays: it only adds what is missing).
        services.AddPortalAccess();
        return services;
    }
}

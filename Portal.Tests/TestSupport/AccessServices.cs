using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    /// Registers access (requests, grants, live sessions, maintenance) with the real AWS clients the collection already
    /// has; <paramref name="sessions"/> may wrap the real live-session client (for failure paths).
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
        services.AddSingleton<IBastionDirectory, BastionDirectory>();
        services.AddSingleton<SessionEnforcer>();
        services.AddSingleton<ILiveSessionService>(sp => sp.GetRequiredService<SessionEnforcer>());
        services.AddOptions<AccessOptions>().Configure(configure);
        services.AddOptions<NotificationOptions>().Configure(o => notices?.Invoke(o));
        services.AddSingleton<INotifications, PortalNotifications>();
        services.AddSingleton<IIamUserMapper, IamUserMapper>();
        services.AddSingleton<AccessService>();
        services.AddSingleton<IAccessService>(sp => sp.GetRequiredService<AccessService>());
        services.AddSingleton<AccessMaintenance>();
        return services;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Hosting;
using Portal.Core.Notifications;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// Tells people and writes the audit trail for access. A notice that cannot be kept is logged and never undoes the
/// action; audit entries are written whatever the caller's cancellation says.
/// </summary>
internal sealed partial class AccessNotifier(INotifications notifications, IAuditTrail audit, PortalChanges changes, ILogger<AccessNotifier> logger)
{
    public async Task NoticeAsync(string audience, Phrase text, string link = "/access/request")
    {
        try
        {
            await notifications.NotifyAsync(audience, text, link, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or AwsApiException)
        {
            LogNoticeFailed(logger, audience, ex);
        }
    }

    /// <summary>Audits an access action, which has been saved by now, and tells open pages on every replica.</summary>
    public async Task AuditAsync(string actor, string action, string target, string? detail, AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        await audit.RecordAsync(new AuditRecord(actor, action, target, outcome, detail is null ? null : AccessInput.Cut(detail)), CancellationToken.None);
        await changes.TouchAsync(ChangeTopic.Access, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice for {Audience} could not be kept")]
    private static partial void LogNoticeFailed(ILogger logger, string audience, Exception exception);
}

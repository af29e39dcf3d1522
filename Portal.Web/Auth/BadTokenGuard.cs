using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;

namespace Portal.Web.Auth;

/// <summary>
/// Counts invalid bearer tokens per client address, in windows of a minute (System.Threading.RateLimiting, which
/// ASP.NET Core's rate limiter is built on): past <see cref="PortalAuthOptions.BadTokensPerMinute"/>, that address's
/// requests to <c>/api</c> and <c>/auth</c> answer 429 with <c>Retry-After</c> until its window ends, so nobody can try
/// tokens at the speed of the network. Each failure is logged; the audit trail gets a summary (the first failure of a
/// window, and the block), not a row per request that a flood could fill.
/// </summary>
internal sealed partial class BadTokenGuard : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _failures;
    private readonly IAuditTrail _audit;
    private readonly ILogger<BadTokenGuard> _logger;
    private readonly int _limit;

    public BadTokenGuard(IOptions<PortalAuthOptions> options, IAuditTrail audit, ILogger<BadTokenGuard> logger)
    {
        _limit = options.Value.BadTokensPerMinute;
        (_audit, _logger) = (audit, logger);
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = _limit, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>True when <paramref name="address"/> has used up its invalid tokens for this window.</summary>
    public bool IsBlocked(string address) => _failures.GetStatistics(address)?.CurrentAvailablePermits <= 0;

    /// <summary>Counts an invalid token from <paramref name="address"/>; <paramref name="shown"/> is its first characters, never the token.</summary>
    public async Task FailedAsync(string address, string shown, CancellationToken cancellationToken)
    {
        using var counted = _failures.AttemptAcquire(address);
        var left = (int)(_failures.GetStatistics(address)?.CurrentAvailablePermits ?? 0);
        LogInvalidToken(_logger, address, shown, left);
        if (left == _limit - 1)
        {
            await _audit.RecordAsync(new AuditRecord("anonymous", "auth.api-token", address, AuditOutcome.Denied, $"invalid, expired or revoked token {shown} (further ones from this address this minute are counted in the log)"), cancellationToken);
        }
        else if (left == 0 && counted.IsAcquired)
        {
            await _audit.RecordAsync(new AuditRecord("anonymous", "auth.api-token", address, AuditOutcome.Denied, $"{_limit.ToString(CultureInfo.InvariantCulture)} invalid tokens within a minute: /api and /auth answer 429 to this address until the minute ends"), cancellationToken);
        }
    }

    /// <summary>Answers 429 to a blocked address on /api and /auth, before any token is looked at.</summary>
    public static IApplicationBuilder Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var guard = context.RequestServices.GetRequiredService<BadTokenGuard>();
        if ((context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/auth")) && guard.IsBlocked(AddressOf(context)))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(
                new ProblemDetails { Status = 429, Title = "Too many invalid tokens", Detail = "This address sent too many invalid API tokens; try again in a minute.", Instance = context.Request.Path },
                options: null,
                contentType: "application/problem+json");
            return;
        }

        await next(context);
    });

    /// <summary>The client's address: the connection's, or a trusted proxy's <c>X-Forwarded-For</c> (<see cref="Hosting.ProxyOptions"/>).</summary>
    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public void Dispose() => _failures.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalid API token {Token} from {Address}; {Left} more allowed this minute")]
    private static partial void LogInvalidToken(ILogger logger, string address, string token, int left);
}

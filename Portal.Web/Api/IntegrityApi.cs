using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Sessions.Integrity;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// The signed digests over HTTP, for Auditors and Admins: <c>GET /api/integrity</c> (what the writer last did) and
/// <c>GET /api/integrity/verify?from=&amp;to=</c> (a walk of the chain that hashes every transcript again).
/// </summary>
internal static class IntegrityApi
{
    /// <summary>The longest span one verification covers: it reads every transcript written in it.</summary>
    internal static readonly TimeSpan MaxSpan = TimeSpan.FromDays(92);

    public static RouteGroupBuilder MapIntegrityApi(this RouteGroupBuilder api)
    {
        var integrity = api.MapGroup("/integrity").RequireAuthorization(PortalPolicies.Audit);
        integrity.MapGet("/", (ITranscriptDigests digests) => TypedResults.Ok(new IntegrityStatusBody(digests.Status, digests.Interval)))
            .WithName("GetIntegrityStatus")
            .WithSummary("The newest signed digest of the log bucket, the signing key and the writer's last error.");
        integrity.MapGet("/verify", VerifyAsync)
            .WithName("VerifyIntegrity")
            .WithSummary("Walks the digests covering [from, to) (default: the last 24 hours): signatures, chain links, gaps, and every transcript version's SHA-256.");
        return api;
    }

    private static async Task<Results<Ok<IntegrityReport>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        ITranscriptDigests digests,
        IAuditTrail audit,
        TimeProvider time,
        ClaimsPrincipal user,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var until = to ?? time.GetUtcNow();
        var since = from ?? until.AddDays(-1);
        if (until <= since)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["'to' must be after 'from'."] });
        }

        if (until - since > MaxSpan)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [$"Verify at most {MaxSpan.TotalDays:0} days at a time: each transcript in them is read again."] });
        }

        try
        {
            var report = await digests.VerifyAsync(since, until, cancellationToken: cancellationToken);
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), AuditActions.IntegrityVerify, null, report.Verified ? AuditOutcome.Succeeded : AuditOutcome.Failed, report.Summary()), CancellationToken.None);
            return TypedResults.Ok(report);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Nothing to verify yet", detail: ex.Message);
        }
        catch (AwsApiException ex)
        {
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), AuditActions.IntegrityVerify, null, AuditOutcome.Failed, $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}"), CancellationToken.None);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Service} answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }
    }
}

/// <summary>The body of <c>GET /api/integrity</c>.</summary>
/// <param name="Writer">What the digest writer last did.</param>
/// <param name="Interval">How much time one digest covers.</param>
internal sealed record IntegrityStatusBody(DigestStatus Writer, TimeSpan Interval);

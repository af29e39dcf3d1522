using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// Transcript downloads for Auditors and Admins, streamed over HTTP (never through a circuit), each audited:
/// <c>GET /api/sessions/{id}/raw</c>, <c>/text</c> (logical lines) and <c>/html</c> (a self-contained page). Each
/// serves the first version the agent wrote, unless <c>?version=</c> names another S3 version of the object.
/// </summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/sessions/{sessionId}");
        MapDownloads(session, "Api");
        session.MapGet("/versions", VersionsAsync).WithName("ListSessionVersions").WithSummary("Every version S3 holds of the transcript, oldest first: the first is the agent's; any later one means it was modified.");
        return api;
    }

    private static async Task<IResult> VersionsAsync(string sessionId, ISessionTranscripts transcripts, IAuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return InvalidId();
        }

        try
        {
            var versions = await transcripts.VersionsAsync(sessionId, ct);
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), "session.versions", sessionId, versions.Count == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded, $"{versions.Count} version(s)"), CancellationToken.None);
            return versions.Count == 0
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such transcript", detail: $"There is no transcript for session {sessionId} in the log bucket.")
                : TypedResults.Ok(versions);
        }
        catch (AwsApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"S3 answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }
    }

    /// <summary>
    /// The same downloads for the browser, under the sign-in cookie: <c>/downloads/sessions/{id}/raw</c> and so on.
    /// GET only, so the cookie cannot be used to change anything.
    /// </summary>
    public static IEndpointRouteBuilder MapSessionDownloads(this IEndpointRouteBuilder endpoints)
    {
        MapDownloads(endpoints.MapGroup("/downloads/sessions/{sessionId}"), "Page");
        return endpoints;
    }

    private static void MapDownloads(RouteGroupBuilder sessions, string prefix)
    {
        sessions.RequireAuthorization(PortalPolicies.Audit);
        sessions.MapGet("/raw", RawAsync).WithName($"{prefix}SessionRaw");
        sessions.MapGet("/text", TextAsync).WithName($"{prefix}SessionText");
        sessions.MapGet("/html", HtmlAsync).WithName($"{prefix}SessionHtml");
        sessions.MapGet("/evidence", EvidenceAsync).WithName($"{prefix}SessionEvidence").WithSummary("A zip with the agent's transcript byte for byte, later versions, renderings, session.json (with its sha256), access.json, audit.json and VERIFY.md.");
    }

    private static async Task<IResult> RawAsync(string sessionId, string? version, ISessionTranscripts transcripts, IAuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return InvalidId();
        }

        return await AuditedAsync(audit, user, sessionId, Format("raw", version), async () =>
            await transcripts.OpenRawAsync(sessionId, version, ct) is { } raw
                ? Results.Stream(raw.Content, "text/plain; charset=utf-8", $"{sessionId}.log")
                : null);
    }

    private static async Task<IResult> TextAsync(string sessionId, int? columns, string? version, ISessionTranscripts transcripts, IAuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return InvalidId();
        }

        return await AuditedAsync(audit, user, sessionId, Format("text", version), async () =>
            await transcripts.RenderAsync(sessionId, columns, version, ct) is { } rendered
                ? Results.Stream(
                    async body =>
                    {
                        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                        await TranscriptExport.WriteTextAsync(writer, rendered, ct);
                        await writer.FlushAsync(ct);
                    },
                    "text/plain; charset=utf-8",
                    $"{sessionId}.txt")
                : null);
    }

    private static async Task<IResult> HtmlAsync(string sessionId, int? columns, string? version, ISessionTranscripts transcripts, IAuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return InvalidId();
        }

        return await AuditedAsync(audit, user, sessionId, Format("html", version), async () =>
        {
            if (await transcripts.RenderAsync(sessionId, columns, version, ct) is not { } rendered)
            {
                return null;
            }

            return Results.Stream(
                async body =>
                {
                    await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                    await TranscriptExport.WriteHtmlAsync(writer, rendered, ct);
                    await writer.FlushAsync(ct);
                },
                "text/html; charset=utf-8",
                $"{sessionId}.html");
        });
    }

    private static async Task<IResult> EvidenceAsync(string sessionId, Portal.Core.Sessions.Evidence.IEvidenceBundles bundles, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return InvalidId();
        }

        // Built in memory first, so a failure answers with problem details rather than half a zip.
        using var zip = new MemoryStream();
        try
        {
            if (!await bundles.WriteAsync(sessionId, user.ActorOf(), zip, ct))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such transcript", detail: $"There is no transcript for session {sessionId} in the log bucket.");
            }
        }
        catch (AwsApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Service} answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }

        return Results.File(zip.ToArray(), "application/zip", $"{sessionId}-evidence.zip");
    }

    /// <summary>Runs a download, records it (or its failure) on the audit trail, and maps the outcome to HTTP.</summary>
    private static async Task<IResult> AuditedAsync(IAuditTrail audit, ClaimsPrincipal user, string sessionId, string format, Func<Task<IResult?>> download)
    {
        try
        {
            var result = await download();
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), "session.download", sessionId, result is null ? AuditOutcome.Failed : AuditOutcome.Succeeded, result is null ? $"{format}: no such transcript" : format));
            return result ?? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such transcript", detail: $"There is no transcript for session {sessionId} in the log bucket.");
        }
        catch (AwsApiException ex)
        {
            await audit.RecordAsync(new AuditRecord(user.ActorOf(), "session.download", sessionId, AuditOutcome.Failed, $"{format}: {ex.ErrorCode}"));
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"S3 answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid width", detail: ex.Message.Split(" (Parameter")[0]);
        }
        catch (ArgumentException ex) when (ex.ParamName == "versionId")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid version", detail: "A version is an S3 version id, as GET /api/sessions/{id}/versions lists them.");
        }
    }

    private static string Format(string format, string? version) => version is null ? format : $"{format}, version {version}";

    private static ProblemHttpResult InvalidId() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid session id", detail: "A session id is 1 to 96 letters, digits and +=,.@_- characters.");
}

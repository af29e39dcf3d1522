using System.Security.Claims;
using System.Text;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Evidence;
using Portal.Core.Sessions.Redaction;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// Transcript downloads for Auditors and Admins, streamed over HTTP (never through a circuit), each audited by Core's
/// <see cref="ITranscriptReader"/>: <c>GET /api/sessions/{id}/raw</c>, <c>/text</c> (logical lines), <c>/html</c> (a
/// self-contained page) and <c>/evidence</c> (a zip). Each serves the first version the agent wrote, unless
/// <c>?version=</c> names another S3 version of the object. Text and HTML mask secrets unless an Admin asks
/// <c>?reveal=true</c> (audited); raw and evidence are byte for byte.
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

    /// <summary>
    /// The same downloads for the browser, under the sign-in cookie: <c>/downloads/sessions/{id}/raw</c> and so on.
    /// GET only, so the cookie cannot be used to change anything.
    /// </summary>
    public static IEndpointRouteBuilder MapSessionDownloads(this IEndpointRouteBuilder endpoints)
    {
        MapDownloads(endpoints.MapGroup("/downloads/sessions/{sessionId}").AddEndpointFilter<SameSiteOnly>(), "Page");
        return endpoints;
    }

    private static void MapDownloads(RouteGroupBuilder sessions, string prefix)
    {
        sessions.RequireAuthorization(PortalPolicies.Audit);
        sessions.MapGet("/raw", RawAsync).WithName($"{prefix}SessionRaw");
        sessions.MapGet("/text", TextAsync).WithName($"{prefix}SessionText");
        sessions.MapGet("/html", HtmlAsync).WithName($"{prefix}SessionHtml");
        sessions.MapGet("/evidence", EvidenceAsync).WithName($"{prefix}SessionEvidence").WithSummary("A zip with the agent's transcript byte for byte, later versions, renderings, session.json (with its sha256), access.json, audit.json, annotations.json and VERIFY.md.");
    }

    private static Task<IResult> RawAsync(string sessionId, string? version, ITranscriptReader reader, ClaimsPrincipal user, CancellationToken ct) =>
        ReadAsync(sessionId, async () =>
            await reader.OpenRawAsync(user.ActorOf(), sessionId, version, ct) is { } raw
                ? Results.Stream(raw.Content, "text/plain; charset=utf-8", $"{sessionId}.log")
                : null);

    private static Task<IResult> TextAsync(string sessionId, int? columns, string? version, bool? reveal, ITranscriptReader reader, SecretMasker masker, ClaimsPrincipal user, CancellationToken ct) =>
        ReadAsync(sessionId, reveal, user, reader, "the text download", async () =>
            await reader.RenderAsync(user.ActorOf(), sessionId, TranscriptUse.Text, columns, version, ct) is { } rendered
                ? Results.Stream(
                    async body =>
                    {
                        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                        await TranscriptExport.WriteTextAsync(writer, rendered, reveal == true ? null : masker, ct);
                        await writer.FlushAsync(ct);
                    },
                    "text/plain; charset=utf-8",
                    $"{sessionId}.txt")
                : null);

    private static Task<IResult> HtmlAsync(string sessionId, int? columns, string? version, bool? reveal, ITranscriptReader reader, SecretMasker masker, ClaimsPrincipal user, CancellationToken ct) =>
        ReadAsync(sessionId, reveal, user, reader, "the HTML download", async () =>
            await reader.RenderAsync(user.ActorOf(), sessionId, TranscriptUse.Html, columns, version, ct) is { } rendered
                ? Results.Stream(
                    async body =>
                    {
                        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                        await TranscriptExport.WriteHtmlAsync(writer, rendered, reveal == true ? null : masker, ct);
                        await writer.FlushAsync(ct);
                    },
                    "text/html; charset=utf-8",
                    $"{sessionId}.html")
                : null);

    private static Task<IResult> VersionsAsync(string sessionId, ITranscriptReader reader, ClaimsPrincipal user, CancellationToken ct) =>
        ReadAsync(sessionId, async () => await reader.VersionsAsync(user.ActorOf(), sessionId, ct) is { Count: > 0 } versions ? TypedResults.Ok(versions) : null);

    private static Task<IResult> EvidenceAsync(string sessionId, IEvidenceBundles bundles, ClaimsPrincipal user, CancellationToken ct) =>
        ReadAsync(sessionId, async () =>
        {
            // Built in memory first, so a failure answers with problem details rather than half a zip; then the same
            // buffer is streamed (and disposed by the result), not copied.
            var zip = new MemoryStream();
            try
            {
                if (await bundles.WriteAsync(sessionId, user.ActorOf(), zip, ct))
                {
                    zip.Position = 0;
                    return Results.Stream(zip, "application/zip", $"{sessionId}-evidence.zip");
                }
            }
            catch
            {
                await zip.DisposeAsync();
                throw;
            }

            await zip.DisposeAsync();
            return null;
        });

    /// <summary>
    /// A masked download with <c>?reveal=true</c>: only for Admins (403 otherwise), and the reveal is on the audit trail
    /// before anything is read.
    /// </summary>
    private static async Task<IResult> ReadAsync(string sessionId, bool? reveal, ClaimsPrincipal user, ITranscriptReader reader, string where, Func<Task<IResult?>> read)
    {
        if (reveal != true)
        {
            return await ReadAsync(sessionId, read);
        }

        if (!user.IsInRole(Portal.Core.Identity.PortalRoles.Admin))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only Admins may reveal secrets", detail: "Text and HTML downloads mask keys, tokens and passwords; an Admin may ask for them unmasked (reveal=true), and that is audited. The raw download and the evidence bundle are byte for byte.");
        }

        if (!SessionIds.IsValid(sessionId))
        {
            return await ReadAsync(sessionId, read);
        }

        await reader.RecordRevealAsync(user.ActorOf(), sessionId, where);
        return await ReadAsync(sessionId, read);
    }

    /// <summary>Checks the id, runs the (audited) read, and maps its outcome to HTTP: 404 for none, 502 with the AWS code, 400 for bad input.</summary>
    private static async Task<IResult> ReadAsync(string sessionId, Func<Task<IResult?>> read)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid session id", detail: "A session id is 1 to 96 letters, digits and +=,.@_- characters.");
        }

        try
        {
            return await read() ?? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such transcript", detail: $"There is no transcript for session {sessionId} in the log bucket.");
        }
        catch (AwsApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Service} answered {ex.ErrorCode}", detail: ex.AwsMessage);
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
}

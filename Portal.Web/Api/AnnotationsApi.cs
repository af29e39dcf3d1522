using System.Security.Claims;
using Portal.Core.Identity;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Annotations;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// Auditors' tags, bookmarks and comments on sessions: <c>GET</c> and <c>POST /api/sessions/{id}/annotations</c>,
/// <c>DELETE /api/sessions/{id}/annotations/{annotationId}</c> (its author or an Admin), and
/// <c>GET /api/annotations?q=</c> to find them. Each addition and removal is audited by Core.
/// </summary>
internal static class AnnotationsApi
{
    /// <summary>The most annotations a search answers with.</summary>
    private const int MaxFound = 200;

    public static RouteGroupBuilder MapAnnotationsApi(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/sessions/{sessionId}/annotations").RequireAuthorization(PortalPolicies.Audit);
        session.MapGet("/", ListAsync).WithName("ListSessionAnnotations").WithSummary("A session's tags, bookmarks and comments.");
        session.MapPost("/", AddAsync).WithName("AddSessionAnnotation").WithSummary("Tags a session, bookmarks one of its lines, or comments on it or a line.");
        session.MapDelete("/{annotationId:long}", RemoveAsync).WithName("RemoveSessionAnnotation").WithSummary("Removes an annotation (its author or an Admin); it stays in evidence bundles and on the audit trail.");
        api.MapGet("/annotations", SearchAsync).RequireAuthorization(PortalPolicies.Audit).WithName("SearchAnnotations").WithSummary("Current annotations whose text, tag or quoted line holds q (any case), newest first.");
        return api;
    }

    private static Task<IResult> ListAsync(string sessionId, ISessionAnnotations annotations, CancellationToken ct) =>
        RunAsync(sessionId, async () => TypedResults.Ok(await annotations.ListAsync(sessionId, ct)));

    private static Task<IResult> AddAsync(string sessionId, NewAnnotationBody body, ISessionAnnotations annotations, ClaimsPrincipal user, CancellationToken ct) =>
        RunAsync(sessionId, async () =>
        {
            var added = await annotations.AddAsync(user.ActorOf(), sessionId, new NewAnnotation(body.Kind, body.Text, body.Line, body.Quote), ct);
            return TypedResults.Created($"/api/sessions/{Uri.EscapeDataString(sessionId)}/annotations/{added.Id}", added);
        });

    private static Task<IResult> RemoveAsync(string sessionId, long annotationId, ISessionAnnotations annotations, ClaimsPrincipal user, CancellationToken ct) =>
        RunAsync(sessionId, async () =>
        {
            await annotations.RemoveAsync(user.ActorOf(), user.IsInRole(PortalRoles.Admin), sessionId, annotationId, ct);
            return TypedResults.NoContent();
        });

    private static async Task<IResult> SearchAsync(string? q, ISessionAnnotations annotations, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(q)
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Say what to find: q=incident-42, for example."] })
            : TypedResults.Ok(await annotations.SearchAsync(q, MaxFound, ct));

    private static async Task<IResult> RunAsync(string sessionId, Func<Task<IResult>> run)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid session id", detail: "A session id is 1 to 96 letters, digits and +=,.@_- characters.");
        }

        try
        {
            return await run();
        }
        catch (AnnotationException ex)
        {
            return ex.Refusal switch
            {
                AnnotationRefusal.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such annotation", detail: ex.Message),
                AnnotationRefusal.NotYours => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your annotation", detail: ex.Message),
                _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [ex.Message] }, title: "Invalid annotation"),
            };
        }
    }
}

/// <summary>An annotation to add: <c>kind</c> is <c>tag</c>, <c>bookmark</c> or <c>comment</c>; <c>line</c> the 1-based logical line.</summary>
internal sealed record NewAnnotationBody(
    AnnotationKind Kind,
    string? Text,
    int? Line,
    string? Quote);

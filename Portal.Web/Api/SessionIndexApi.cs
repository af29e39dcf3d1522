using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Audit;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// The session index over HTTP, for Auditors and Admins: <c>GET /api/sessions</c> (filters, sort, paging),
/// <c>GET /api/sessions/{id}</c> (metadata and commands) and <c>GET /api/search?q=</c>.
/// </summary>
internal static class SessionIndexApi
{
    public static RouteGroupBuilder MapSessionIndexApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync)
            .RequireAuthorization(PortalPolicies.Audit)
            .WithName("ListSessions")
            .WithSummary("Lists indexed sessions, newest first by default, with filters and paging.");
        api.MapGet("/sessions/{sessionId}", GetAsync)
            .RequireAuthorization(PortalPolicies.Audit)
            .WithName("GetSession")
            .WithSummary("A session's metadata and the commands typed in it.");
        api.MapGet("/sessions/coverage", CoverageAsync)
            .RequireAuthorization(PortalPolicies.Audit)
            .WithName("GetSessionCoverage")
            .WithSummary("Every session Session Manager (30 days) and CloudTrail's event history (90 days) report for the last days (1 to 90), against the transcripts the bucket holds: recorded, missing, not-recorded-by-design, unknown-origin, truncated or modified.");
        api.MapGet("/search", SearchAsync)
            .RequireAuthorization(PortalPolicies.Audit)
            .WithName("SearchSessions")
            .WithSummary("Finds a substring in every indexed transcript; each hit names the line and row to open.");
        return api;
    }

    private static async Task<Results<Ok<SessionQueryPage>, ValidationProblem>> ListAsync(
        ISessionIndex index,
        Portal.Core.Sessions.Coverage.ISessionCoverage sessionCoverage,
        string? user,
        string? instance,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? flag,
        string? text,
        string? integrity,
        string? coverage,
        string? sort,
        bool? descending,
        int? offset,
        int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var order = SessionSort.Ended;
        if (!string.IsNullOrEmpty(sort) && !(Enum.TryParse(sort, ignoreCase: true, out order) && Enum.IsDefined(order)))
        {
            errors["sort"] = [$"Sort by one of {string.Join(", ", Enum.GetNames<SessionSort>().Select(n => n.ToLowerInvariant()))}."];
        }

        if (limit is < 1 or > SessionQuery.MaxLimit)
        {
            errors["limit"] = [$"Ask for 1 to {SessionQuery.MaxLimit} sessions."];
        }

        if (offset is < 0)
        {
            errors["offset"] = ["The offset cannot be negative."];
        }

        if (from is not null && to is not null && from >= to)
        {
            errors["from"] = ["'from' must be before 'to'."];
        }

        TranscriptIntegrity? wantedIntegrity = null;
        if (!string.IsNullOrEmpty(integrity))
        {
            if (Enum.TryParse<TranscriptIntegrity>(integrity, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(integrity, out _))
            {
                wantedIntegrity = parsed;
            }
            else
            {
                errors["integrity"] = ["Filter by intact, modified or truncated."];
            }
        }

        var wantedCoverage = Portal.Core.Sessions.Coverage.ISessionCoverage.Parse(coverage);
        if (!string.IsNullOrEmpty(coverage) && wantedCoverage is null)
        {
            errors["coverage"] = ["Filter by recorded, unknown-origin, truncated or modified."];
        }
        else if (wantedCoverage is Portal.Core.Sessions.Coverage.CoverageState.Missing or Portal.Core.Sessions.Coverage.CoverageState.NotRecordedByDesign)
        {
            errors["coverage"] = ["Those sessions have no transcript to list: GET /api/sessions/coverage lists them."];
        }

        if (text is { Length: > SearchRequest.MaxQueryLength })
        {
            errors["text"] = [$"Text is at most {SearchRequest.MaxQueryLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await index.QueryAsync(
            new SessionQuery
            {
                User = user,
                InstanceId = instance,
                From = from,
                To = to,
                Flag = flag,
                Text = text,
                Integrity = wantedIntegrity,
                SessionIds = wantedCoverage is { } state ? await sessionCoverage.SessionIdsAsync(state, cancellationToken) : null,
                Sort = order,
                Descending = descending ?? true,
                Offset = offset ?? 0,
                Limit = limit ?? 50,
            },
            cancellationToken);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> GetAsync(string sessionId, ISessionIndex index, IAuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid session id", detail: "A session id is 1 to 96 letters, digits and +=,.@_- characters.");
        }

        var detail = await index.GetAsync(sessionId, cancellationToken);
        await audit.RecordAsync(new AuditRecord(user.ActorOf(), AuditActions.SessionMetadata, sessionId, detail is null ? AuditOutcome.Failed : AuditOutcome.Succeeded, detail is null ? "not in the index" : null), CancellationToken.None);
        return detail is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such session", detail: $"The index holds no session {sessionId}. New transcripts are indexed within a minute of their upload.")
            : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<Portal.Core.Sessions.Coverage.CoverageReport>, ValidationProblem>> CoverageAsync(
        Portal.Core.Sessions.Coverage.ISessionCoverage coverage,
        IAuditTrail audit,
        ClaimsPrincipal user,
        int? days,
        CancellationToken cancellationToken)
    {
        if (days is < 1 or > Portal.Core.Sessions.Coverage.ISessionCoverage.MaxDays)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = ["Ask for 1 to 90 days: Session Manager keeps about 30, CloudTrail's event history 90."] });
        }

        var report = await coverage.GetAsync(days ?? 30, cancellationToken);
        await audit.RecordAsync(new AuditRecord(user.ActorOf(), AuditActions.SessionsCoverage, null, AuditOutcome.Succeeded, $"{days ?? 30} days: {report.Items.Count} item(s)"), CancellationToken.None);
        return TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<SearchPage>, ValidationProblem>> SearchAsync(
        ISessionIndex index,
        IAuditTrail audit,
        ClaimsPrincipal principal,
        string? q,
        string? user,
        int? offset,
        int? limit,
        CancellationToken cancellationToken)
    {
        try
        {
            var page = await index.SearchAsync(new SearchRequest { Query = q ?? string.Empty, User = user, Offset = offset ?? 0, Limit = limit ?? 20 }, cancellationToken);
            await audit.RecordAsync(new AuditRecord(principal.ActorOf(), AuditActions.SessionsSearch, null, AuditOutcome.Succeeded, q), CancellationToken.None);
            return TypedResults.Ok(page);
        }
        catch (ArgumentException ex)
        {
            var field = ex.ParamName switch
            {
                { } name when name.EndsWith("Offset", StringComparison.Ordinal) => "offset",
                { } name when name.EndsWith("Limit", StringComparison.Ordinal) => "limit",
                _ => "q",
            };
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [ex.Message.Split(" (Parameter")[0]] });
        }
    }
}

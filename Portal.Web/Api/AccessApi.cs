using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Core.Identity;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// Access requests and grants for automation. Requesters file and cancel their own requests; Approvers decide,
/// grant directly and revoke. A refused action answers 403 (role or someone else's request) or 409 (state,
/// self-approval); bad input 400 naming each field; an IAM failure 502 with its code.
/// </summary>
internal static class AccessApi
{
    public static RouteGroupBuilder MapAccessApi(this RouteGroupBuilder api)
    {
        var access = api.MapGroup("/access").RequireAuthorization(PortalPolicies.Access);
        access.MapGet("/bastions", BastionsAsync).WithName("ListBastions").WithSummary("The bastions a request may target.");
        access.MapPost("/requests", RequestAsync).RequireAuthorization(PortalPolicies.Request).WithName("CreateAccessRequest").WithSummary("Asks for time-bound access to a bastion.");
        access.MapGet("/requests", ListRequestsAsync).WithName("ListAccessRequests").WithSummary("Approvers see every request; Requesters their own.");
        access.MapGet("/requests/{id:long}", GetRequestAsync).WithName("GetAccessRequest");
        access.MapPost("/requests/{id:long}/approve", ApproveAsync).RequireAuthorization(PortalPolicies.Approve).WithName("ApproveAccessRequest");
        access.MapPost("/requests/{id:long}/deny", DenyAsync).RequireAuthorization(PortalPolicies.Approve).WithName("DenyAccessRequest");
        access.MapPost("/requests/{id:long}/cancel", CancelAsync).RequireAuthorization(PortalPolicies.Request).WithName("CancelAccessRequest");
        access.MapPost("/requests/{id:long}/break-glass", BreakGlassAsync).RequireAuthorization(PortalPolicies.Request).RequireAuthorization(PortalPolicies.Approve)
            .WithName("BreakGlassAccessRequest").WithSummary("Approves one's own request in an emergency, where enabled: every approver is told and one must acknowledge it.");
        access.MapGet("/grants", ListGrantsAsync).WithName("ListGrants").WithSummary("Approvers see every grant; Requesters those answering their requests.");
        access.MapPost("/grants", GrantAsync).RequireAuthorization(PortalPolicies.Approve).WithName("CreateGrant").WithSummary("Grants access directly to an IAM user or group (201), or proposes it where more approvers are needed (202).");
        access.MapPost("/grants/{id:long}/revoke", RevokeAsync).RequireAuthorization(PortalPolicies.Approve).WithName("RevokeGrant").WithSummary("Removes the grant's policy and ends the principal's live sessions.");
        access.MapPost("/grants/{id:long}/retry", RetryAsync).RequireAuthorization(PortalPolicies.Approve).WithName("RetryGrant").WithSummary("Puts an approved grant's policy in place again after an IAM failure.");
        access.MapPost("/grants/{id:long}/extend", ExtendAsync).RequireAuthorization(PortalPolicies.Request).WithName("ExtendGrant").WithSummary("Asks for more time on one's active grant; approvers decide it like a request.");
        access.MapPost("/grants/{id:long}/acknowledge", AcknowledgeAsync).RequireAuthorization(PortalPolicies.Approve).WithName("AcknowledgeBreakGlass").WithSummary("Another approver acknowledges a break-glass grant.");
        access.MapGet("/findings", FindingsAsync).RequireAuthorization(PortalPolicies.AccessFindings).WithName("ListAccessFindings").WithSummary("What the last comparison of IAM with the grants found: standing access, edited, unknown and missing grant policies.");

        // Outside the group above: Auditors read live sessions too.
        var live = api.MapGroup("/access/sessions").RequireAuthorization(PortalPolicies.LiveSessions);
        live.MapGet("/", ListSessionsAsync).WithName("ListLiveSessions").WithSummary("Active sessions on the bastions, with the grant that allows each (null when none does).");
        live.MapPost("/{id}/terminate", TerminateSessionAsync).RequireAuthorization(PortalPolicies.EndSessions).WithName("TerminateLiveSession").WithSummary("Ends a live session; audited, and the person is told.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<string>>> BastionsAsync(IBastionDirectory bastions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bastions.ListAsync(cancellationToken));

    private static Task<IResult> RequestAsync(NewAccessRequestBody body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = await requests.RequestAsync(user.ToAccessPerson(), new NewAccessRequest(body.TargetInstanceId, body.DurationMinutes, body.Reason, body.Ticket), cancellationToken);
            return TypedResults.Created($"/api/access/requests/{request.Id}", request);
        });

    private static async Task<IResult> ListRequestsAsync(IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken, string? state = null, bool mine = false)
    {
        AccessRequestState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<AccessRequestState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["Filter by pending, approved, denied, cancelled or expired."] });
            }

            wanted = parsed;
        }

        return TypedResults.Ok(await requests.ListAsync(mine || !user.IsInRole(PortalRoles.Approver) ? user.ActorOf() : null, wanted, cancellationToken));
    }

    private static Task<IResult> GetRequestAsync(long id, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = await requests.GetAsync(id, cancellationToken);
            return request.Requester == user.ActorOf() || user.IsInRole(PortalRoles.Approver)
                ? TypedResults.Ok(request)
                : throw new AccessException(AccessRefusal.Forbidden, new Portal.Core.Text.Phrase("Request {0} is someone else's.", id)); // the API's, in English
        });

    private static Task<IResult> ApproveAsync(long id, DecisionBody? body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await requests.ApproveAsync(id, user.ToAccessPerson(), body?.Comment, cancellationToken)));

    private static Task<IResult> DenyAsync(long id, DecisionBody? body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await requests.DenyAsync(id, user.ActorOf(), body?.Comment, cancellationToken)));

    private static Task<IResult> CancelAsync(long id, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await requests.CancelAsync(id, user.ActorOf(), cancellationToken)));

    private static Task<IResult> BreakGlassAsync(long id, ReasonBody? body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await requests.BreakGlassAsync(id, user.ToAccessPerson(), body?.Reason, cancellationToken)));

    private static async Task<Ok<IReadOnlyList<AccessGrant>>> ListGrantsAsync(IAccessGrants grants, ClaimsPrincipal user, CancellationToken cancellationToken, bool mine = false) =>
        TypedResults.Ok(await grants.ListAsync(mine || !user.IsInRole(PortalRoles.Approver) ? user.ActorOf() : null, cancellationToken));

    private static Task<IResult> GrantAsync(NewGrantBody body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var result = await requests.GrantDirectlyAsync(user.ToAccessPerson(), new NewGrant(body.PrincipalType, body.PrincipalName, body.TargetInstanceId, body.DurationMinutes, body.Reason), cancellationToken);
            return result.Grant is { } grant
                ? TypedResults.Created($"/api/access/grants/{grant.Id}", grant)
                : TypedResults.Accepted($"/api/access/requests/{result.Proposal!.Id}", result.Proposal);
        });

    private static Task<IResult> RevokeAsync(long id, DecisionBody? body, IAccessGrants grants, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await grants.RevokeAsync(id, user.ActorOf(), body?.Comment, cancellationToken)));

    private static Task<IResult> RetryAsync(long id, IAccessGrants grants, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await grants.RetryAsync(id, user.ActorOf(), cancellationToken)));

    private static Task<IResult> ExtendAsync(long id, ExtendBody? body, IAccessRequests requests, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = await requests.ExtendAsync(user.ToAccessPerson(), id, body?.Minutes, body?.Reason, cancellationToken);
            return TypedResults.Created($"/api/access/requests/{request.Id}", request);
        });

    private static Task<IResult> AcknowledgeAsync(long id, DecisionBody? body, IAccessGrants grants, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await grants.AcknowledgeAsync(id, user.ToAccessPerson(), body?.Comment, cancellationToken)));

    private static IResult FindingsAsync(IAccessFindings findings) =>
        findings.Last is { } report
            ? TypedResults.Ok(report)
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "IAM has not been compared with the grants yet; it is, within a minute of startup.");

    private static Task<IResult> ListSessionsAsync(ILiveSessionService sessions, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok((await sessions.ListAsync(cancellationToken)).Select(LiveSessionItem.From)));

    private static Task<IResult> TerminateSessionAsync(string id, ReasonBody? body, ILiveSessionService sessions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await sessions.TerminateAsync(id, user.ActorOf(), body?.Reason, cancellationToken);
            return TypedResults.NoContent();
        });

    /// <summary>Each refusal as problem details with its status; an AWS failure as 502 with its code.</summary>
    private static async Task<IResult> RunAsync(Func<Task<IResult>> run)
    {
        try
        {
            return await run();
        }
        catch (AccessException ex) when (ex.Refusal == AccessRefusal.Invalid)
        {
            return TypedResults.ValidationProblem(ex.Errors, detail: ex.Message);
        }
        catch (AccessException ex)
        {
            var status = ex.Refusal switch
            {
                AccessRefusal.NotFound => StatusCodes.Status404NotFound,
                AccessRefusal.Forbidden => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status409Conflict,
            };
            return TypedResults.Problem(statusCode: status, title: ex.Message);
        }
        catch (AwsApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Service} answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }
    }
}

/// <summary>The body of <c>POST /api/access/requests</c>.</summary>
internal sealed record NewAccessRequestBody(string? TargetInstanceId, int? DurationMinutes, string? Reason, string? Ticket);

/// <summary>The body of <c>POST /api/access/grants</c>.</summary>
internal sealed record NewGrantBody(PrincipalType? PrincipalType, string? PrincipalName, string? TargetInstanceId, int? DurationMinutes, string? Reason);

/// <summary>The body of a session's terminate and a request's break-glass.</summary>
internal sealed record ReasonBody(string? Reason);

/// <summary>The body of <c>POST /api/access/grants/{id}/extend</c>.</summary>
internal sealed record ExtendBody(int? Minutes, string? Reason);

/// <summary>A live session as the API lists it.</summary>
internal sealed record LiveSessionItem(string SessionId, string Owner, string? IamUser, string? Person, string Target, string? TargetName, string? DocumentName, DateTimeOffset? StartedAt, long? GrantId, string Status)
{
    public static LiveSessionItem From(LiveSessionView s) => new(s.SessionId, s.Owner, s.IamUser, s.Person, s.Target, s.TargetName, s.DocumentName, s.StartedAt, s.GrantId, s.Status);
}

/// <summary>The optional body of approve, deny, revoke and acknowledge.</summary>
internal sealed record DecisionBody(string? Comment);

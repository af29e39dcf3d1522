using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Audit;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary><c>GET /api/audit</c>: the audit trail, newest first, for Auditors and Admins.</summary>
internal static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", QueryAsync)
            .RequireAuthorization(PortalPolicies.Audit)
            .WithName("GetAudit")
            .WithSummary("Lists audit entries, newest first, with optional filters and paging.");
        return api;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> QueryAsync(
        IAuditTrail audit,
        string? actor,
        string? action,
        string? target,
        string? outcome,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? skip,
        int? take,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        AuditOutcome? parsedOutcome = null;
        if (!string.IsNullOrEmpty(outcome))
        {
            if (Enum.TryParse<AuditOutcome>(outcome, ignoreCase: true, out var value) && Enum.IsDefined(value))
            {
                parsedOutcome = value;
            }
            else
            {
                errors["outcome"] = [$"Use one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}."];
            }
        }

        if (take is < 1 or > AuditQuery.MaxTake)
        {
            errors["take"] = [$"Take 1 to {AuditQuery.MaxTake} entries."];
        }

        if (skip is < 0)
        {
            errors["skip"] = ["Skip cannot be negative."];
        }

        if (from is not null && to is not null && from >= to)
        {
            errors["from"] = ["'from' must be before 'to'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await audit.QueryAsync(
            new AuditQuery { Actor = actor, Action = action, Target = target, Outcome = parsedOutcome, From = from, To = to, Skip = skip ?? 0, Take = take ?? 50 },
            cancellationToken);
        return TypedResults.Ok(page);
    }
}

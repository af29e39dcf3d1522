using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Aws;
using Portal.Core.Setup;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// The setup wizard's engine for automation, Admins only: <c>GET /api/setup</c> (saved settings and status),
/// <c>POST /api/setup/plan</c>, <c>/export</c> (the plan as a shell script), <c>/apply</c> and <c>/verify</c>.
/// </summary>
internal static class SetupApi
{
    public static RouteGroupBuilder MapSetupApi(this RouteGroupBuilder api)
    {
        var setup = api.MapGroup("/setup").RequireAuthorization(PortalPolicies.Admin);
        setup.MapGet("/", GetAsync).WithName("GetSetup").WithSummary("The saved setup settings and what the last apply or verify found.");
        setup.MapPost("/plan", PlanAsync).WithName("PlanSetup").WithSummary("What exists and what apply would change, step by step, with documents and CLI commands.");
        setup.MapPost("/apply", ApplyAsync).WithName("ApplySetup").WithSummary("Applies the settings step by step; each step is created, updated, unchanged, failed or skipped.");
        setup.MapPost("/export", ExportAsync).WithName("ExportSetup").WithSummary("The plan as a shell script of AWS CLI commands, its documents written first (format=shell), or the settings as a CloudFormation template (format=cloudformation).");
        setup.MapPost("/verify", VerifyAsync).WithName("VerifySetup").WithSummary("Reads everything again for the saved settings and reports drift.");
        return api;
    }

    private static async Task<Ok<SetupState>> GetAsync(ISetupStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetAsync(cancellationToken) is { } saved
            ? new SetupState(true, saved.Settings, saved.Status, saved.SavedAt, saved.SavedBy, saved.CheckedAt)
            : new SetupState(false, null, SetupStatus.Incomplete, null, null, null));

    private static async Task<IResult> PlanAsync(SetupRequest request, ISetupEngine engine, CancellationToken cancellationToken)
    {
        if (Settings(request) is not { } settings)
        {
            return Missing(request);
        }

        return await RunAsync(async () => TypedResults.Ok(await engine.PlanAsync(settings, cancellationToken)));
    }

    private static async Task<IResult> ExportAsync(SetupRequest request, ISetupEngine engine, TimeProvider time, CancellationToken cancellationToken, string? format = null)
    {
        if (format is not (null or "shell" or "cloudformation"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Export as shell (the default) or cloudformation."] });
        }

        if (Settings(request) is not { } settings)
        {
            return Missing(request);
        }

        return await RunAsync(async () => format == "cloudformation"
            ? TypedResults.File(Encoding.UTF8.GetBytes(SetupCloudFormation.ToTemplate(await engine.DocumentsAsync(settings, cancellationToken))), "application/json", "bastion-portal-setup.template.json")
            : TypedResults.File(Encoding.UTF8.GetBytes(SetupExport.ToShellScript(await engine.PlanAsync(settings, cancellationToken), time.GetUtcNow())), "text/x-shellscript", "bastion-portal-setup.sh"));
    }

    private static async Task<IResult> ApplyAsync(SetupRequest request, ISetupWizard wizard, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (Settings(request) is not { } settings)
        {
            return Missing(request);
        }

        return await RunAsync(async () => TypedResults.Ok(await wizard.ApplyAsync(settings, user.ActorOf(), cancellationToken: cancellationToken)));
    }

    private static Task<IResult> VerifyAsync(ISetupWizard wizard, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        RunAsync(async () => await wizard.VerifyAsync(user.ActorOf(), cancellationToken) is { } plan
            ? TypedResults.Ok(plan)
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to verify", detail: "No setup has been applied yet: plan and apply it first."));

    /// <summary>Bad settings answer 400 naming each one; an AWS failure before any step (STS) answers 502 with its code.</summary>
    private static async Task<IResult> RunAsync(Func<Task<IResult>> run)
    {
        try
        {
            return await run();
        }
        catch (SetupValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value));
        }
        catch (AwsApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Service} answered {ex.ErrorCode}", detail: ex.AwsMessage);
        }
    }

    private static SetupSettings? Settings(SetupRequest request)
    {
        var bastions = (request.BastionInstanceIds ?? []).ToList();
        if (!string.IsNullOrEmpty(request.BastionInstanceId) && !bastions.Contains(request.BastionInstanceId, StringComparer.Ordinal))
        {
            bastions.Insert(0, request.BastionInstanceId);
        }

        if (bastions.Count == 0 || request.BucketName is null || request.TopicName is null || request.NotificationEmails is null)
        {
            return null;
        }

        var defaults = new SetupSettings { BastionInstanceIds = bastions, BucketName = request.BucketName, TopicName = request.TopicName, NotificationEmails = request.NotificationEmails };
        return defaults with
        {
            Encryption = request.Encryption ?? defaults.Encryption,
            KmsKeyArn = request.KmsKeyArn,
            Versioning = request.Versioning ?? defaults.Versioning,
            RetentionDays = request.RetentionDays,
            RoleName = request.RoleName ?? defaults.RoleName,
            InstanceProfileName = request.InstanceProfileName ?? defaults.InstanceProfileName,
            LoggingPolicyName = request.LoggingPolicyName ?? defaults.LoggingPolicyName,
            ReplaceExistingInstanceProfile = request.ReplaceExistingInstanceProfile ?? defaults.ReplaceExistingInstanceProfile,
            IdleSessionTimeoutMinutes = request.IdleSessionTimeoutMinutes ?? defaults.IdleSessionTimeoutMinutes,
            MaxSessionDurationMinutes = request.MaxSessionDurationMinutes ?? defaults.MaxSessionDurationMinutes,
            TopicDisplayName = request.TopicDisplayName ?? defaults.TopicDisplayName,
            RuleName = request.RuleName ?? defaults.RuleName,
            CreateTrailIfMissing = request.CreateTrailIfMissing ?? defaults.CreateTrailIfMissing,
            TrailName = request.TrailName ?? defaults.TrailName,
            EndUserPolicyName = request.EndUserPolicyName ?? defaults.EndUserPolicyName,
            DigestKeyAlias = request.DigestKeyAlias ?? defaults.DigestKeyAlias,
        };
    }

    private static ValidationProblem Missing(SetupRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.BastionInstanceId) && request.BastionInstanceIds is not { Count: > 0 })
        {
            errors["bastionInstanceId"] = ["Choose the bastion instance."];
        }

        if (request.BucketName is null)
        {
            errors["bucketName"] = ["Name the log bucket."];
        }

        if (request.TopicName is null)
        {
            errors["topicName"] = ["Name the topic login notices go to."];
        }

        if (request.NotificationEmails is null)
        {
            errors["notificationEmails"] = ["Give the addresses to mail logins to."];
        }

        return TypedResults.ValidationProblem(errors);
    }

}

/// <summary>
/// The body of plan and apply: <c>bastionInstanceId</c> (or <c>bastionInstanceIds</c>), <c>bucketName</c>,
/// <c>topicName</c> and <c>notificationEmails</c>; every other setting is optional, with the wizard's default.
/// </summary>
internal sealed record SetupRequest
{
    public string? BastionInstanceId { get; init; }

    public IReadOnlyList<string>? BastionInstanceIds { get; init; }

    public string? BucketName { get; init; }

    public string? TopicName { get; init; }

    public IReadOnlyList<string>? NotificationEmails { get; init; }

    public BucketEncryption? Encryption { get; init; }

    public string? KmsKeyArn { get; init; }

    public bool? Versioning { get; init; }

    public int? RetentionDays { get; init; }

    public string? RoleName { get; init; }

    public string? InstanceProfileName { get; init; }

    public string? LoggingPolicyName { get; init; }

    public bool? ReplaceExistingInstanceProfile { get; init; }

    public int? IdleSessionTimeoutMinutes { get; init; }

    public int? MaxSessionDurationMinutes { get; init; }

    public string? TopicDisplayName { get; init; }

    public string? RuleName { get; init; }

    public bool? CreateTrailIfMissing { get; init; }

    public string? TrailName { get; init; }

    public string? EndUserPolicyName { get; init; }

    /// <summary>The alias of the KMS key that signs digests (<c>alias/bastion-portal-digests</c>).</summary>
    public string? DigestKeyAlias { get; init; }
}

/// <summary>What <c>GET /api/setup</c> answers.</summary>
internal sealed record SetupState(bool Configured, SetupSettings? Settings, SetupStatus Status, DateTimeOffset? SavedAt, string? SavedBy, DateTimeOffset? CheckedAt);

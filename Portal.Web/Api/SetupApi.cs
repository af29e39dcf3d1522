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
/// <c>POST /api/setup/plan</c>, <c>/export</c> (the plan as a shell script), <c>/apply</c> (with its progress as
/// NDJSON on request) and <c>/verify</c>. Every body is the one settings shape the page edits and the portal saves
/// (<see cref="SetupSettings"/>, camelCase): missing values take the wizard's defaults, and the validator names
/// each bad one in a 400.
/// </summary>
internal static class SetupApi
{
    public static RouteGroupBuilder MapSetupApi(this RouteGroupBuilder api)
    {
        var setup = api.MapGroup("/setup").RequireAuthorization(PortalPolicies.Admin);
        setup.MapGet("/", GetAsync).WithName("GetSetup").WithSummary("The saved setup settings and what the last apply or verify found.");
        setup.MapPost("/plan", PlanAsync).WithName("PlanSetup").WithSummary("What exists and what apply would change, step by step, with documents and CLI commands.");
        setup.MapPost("/apply", ApplyAsync).WithName("ApplySetup").WithSummary("Applies the settings step by step; each step is created, updated, unchanged, failed or skipped. With Accept: application/x-ndjson, a {\"progress\"} line per change as it is made, then {\"result\"}.");
        setup.MapPost("/export", ExportAsync).WithName("ExportSetup").WithSummary("The plan as a shell script of AWS CLI commands, its documents written first (format=shell), or the settings as a CloudFormation template (format=cloudformation).");
        setup.MapPost("/verify", VerifyAsync).WithName("VerifySetup").WithSummary("Reads everything again for the saved settings and reports drift.");
        return api;
    }

    private static async Task<Ok<SetupState>> GetAsync(ISetupStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetAsync(cancellationToken) is { } saved
            ? new SetupState(true, saved.Settings, saved.Status, saved.SavedAt, saved.SavedBy, saved.CheckedAt)
            : new SetupState(false, null, SetupStatus.Incomplete, null, null, null));

    private static Task<IResult> PlanAsync(SetupSettings settings, ISetupEngine engine, CancellationToken cancellationToken) =>
        RunAsync(async () => TypedResults.Ok(await engine.PlanAsync(settings, cancellationToken)));

    private static Task<IResult> ExportAsync(SetupSettings settings, ISetupEngine engine, TimeProvider time, CancellationToken cancellationToken, string? format = null) =>
        format is not (null or "shell" or "cloudformation")
            ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Export as shell (the default) or cloudformation."] }))
            : RunAsync(async () => format == "cloudformation"
                ? TypedResults.File(Encoding.UTF8.GetBytes(SetupCloudFormation.ToTemplate(await engine.DocumentsAsync(settings, cancellationToken))), "application/json", "bastion-portal-setup.template.json")
                : TypedResults.File(Encoding.UTF8.GetBytes(SetupExport.ToShellScript(await engine.PlanAsync(settings, cancellationToken), time.GetUtcNow())), "text/x-shellscript", "bastion-portal-setup.sh"));

    private static Task<IResult> ApplyAsync(SetupSettings settings, ISetupWizard wizard, ClaimsPrincipal user, HttpContext http, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken cancellationToken) =>
        http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(NdJson, StringComparison.OrdinalIgnoreCase))
            ? StreamApplyAsync(settings, wizard, user.ActorOf(), http, json.Value.SerializerOptions, cancellationToken)
            : RunAsync(async () => TypedResults.Ok(await wizard.ApplyAsync(settings, user.ActorOf(), cancellationToken: cancellationToken)));

    /// <summary>
    /// Apply with its progress as it happens, for <c>Accept: application/x-ndjson</c>: a line <c>{"progress": ...}</c>
    /// per change (the page's own events), then <c>{"result": ...}</c>. Settings refused before any change still answer
    /// 400, and an AWS failure before any step 502, as without streaming.
    /// </summary>
    private static async Task<IResult> StreamApplyAsync(SetupSettings settings, ISetupWizard wizard, string actor, HttpContext http, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var events = System.Threading.Channels.Channel.CreateUnbounded<SetupProgress>(new() { SingleReader = true });
        var apply = wizard.ApplyAsync(settings, actor, new ChannelProgress(events.Writer), cancellationToken);
        _ = apply.ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);

        // Nothing is written until the first event: a refusal before any change is still a plain problem.
        if (!await events.Reader.WaitToReadAsync(CancellationToken.None))
        {
            return await RunAsync(async () => TypedResults.Ok(await apply));
        }

        http.Response.ContentType = NdJson;
        await foreach (var progress in events.Reader.ReadAllAsync(CancellationToken.None))
        {
            await WriteLineAsync(http.Response, new { progress }, json, cancellationToken);
        }

        await WriteLineAsync(http.Response, new { result = await apply }, json, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task WriteLineAsync<T>(HttpResponse response, T value, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(response.Body, value, json, cancellationToken);
        await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private const string NdJson = "application/x-ndjson";

    /// <summary>Passes events on in the order they are reported (<see cref="Progress{T}"/> would post them to the thread pool, unordered).</summary>
    private sealed class ChannelProgress(System.Threading.Channels.ChannelWriter<SetupProgress> writer) : IProgress<SetupProgress>
    {
        public void Report(SetupProgress value) => writer.TryWrite(value);
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
}

/// <summary>What <c>GET /api/setup</c> answers.</summary>
internal sealed record SetupState(bool Configured, SetupSettings? Settings, SetupStatus Status, DateTimeOffset? SavedAt, string? SavedBy, DateTimeOffset? CheckedAt);

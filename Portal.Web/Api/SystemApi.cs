using Portal.Core.Hosting;
using Portal.Core.Persistence;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// <c>GET /api/system</c> (Admins): which replica answered, its build, the database, and each background job as this
/// replica sees it: whether it leads it, who does, and how the last pass went on whichever replica ran it; and what
/// this replica's memory holds (transcripts open, the render budget, the managed heap).
/// </summary>
internal static class SystemApi
{
    public static RouteGroupBuilder MapSystemApi(this RouteGroupBuilder api)
    {
        api.MapGet("/system", GetAsync)
            .RequireAuthorization(PortalPolicies.Admin)
            .WithName("GetSystem")
            .WithSummary("This replica, its version, the database provider, the leased background jobs and this replica's session index.");
        return api;
    }

    private static async Task<IResult> GetAsync(ReplicaIdentity replica, IPortalDatabase database, IPortalWorkers workers, ISessionIndexStatus index, IRenderStatus renders, CancellationToken cancellationToken)
    {
        var jobs = await workers.ListAsync(cancellationToken);
        var progress = index.Current;
        return TypedResults.Ok(new SystemBody(
            replica.Name,
            replica.Version,
            new DatabaseBody(database.Provider == DatabaseProvider.PostgreSql ? "PostgreSQL" : "Sqlite"),
            [.. jobs.Select(j => new WorkerBody(j.Name, j.Leader, j.Holder, j.LastRunAt, j.LastError))],
            new IndexBody("replica", progress.State.ToString(), progress.Sessions, progress.LastPassAt, progress.LastError),
            MemoryBody.Now(renders.Current)));
    }

    /// <summary>The answer of <c>GET /api/system</c>.</summary>
    internal sealed record SystemBody(string Replica, string Version, DatabaseBody Database, IReadOnlyList<WorkerBody> Workers, IndexBody Index, MemoryBody Memory);

    /// <summary>The database: <c>Sqlite</c> or <c>PostgreSQL</c>.</summary>
    internal sealed record DatabaseBody(string Provider);

    /// <summary>A background job; <c>leader</c> is true on exactly one replica while the job's lease is held.</summary>
    internal sealed record WorkerBody(string Name, bool Leader, string? Holder, DateTimeOffset? LastRunAt, string? LastError);

    /// <summary>This replica's session index (each replica keeps its own, derived from S3).</summary>
    internal sealed record IndexBody(string Scope, string State, int Sessions, DateTimeOffset? LastPassAt, string? LastError);

    /// <summary>
    /// This replica's memory: transcripts rendered and still read (shared by every reader of the same version), what
    /// renders hold of the render budget, the managed heap and the process's working set, in bytes; and each transcript
    /// held (its key, rows and bytes).
    /// </summary>
    internal sealed record MemoryBody(int SharedTranscripts, long RenderBudgetInUse, long RenderBudgetLimit, long ManagedHeap, long WorkingSet, IReadOnlyList<OpenTranscript> Transcripts)
    {
        public static MemoryBody Now(RenderStatus renders)
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return new(renders.Shared, renders.BudgetInUseBytes, renders.BudgetLimitBytes, GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64, renders.Open);
        }
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Core.Sandbox;

/// <summary>A session the sandbox's moto should hold: ended when <paramref name="EndDate"/> is set, live otherwise.</summary>
internal sealed record SandboxSession(string SessionId, string Owner, string Target, DateTimeOffset StartDate, DateTimeOffset? EndDate, string DocumentName = "SSM-SessionManagerRunShell");

/// <summary>
/// Records sessions in the sandbox's moto through the route its session extension adds
/// (<c>POST /moto-api/bastion-portal/sessions</c>, Portal.Web/Sandbox/moto): real sessions only exist once someone
/// starts them, and the seeded transcripts' sessions happened in the past. Only the sandbox's seeder calls it.
/// </summary>
internal static class SandboxSessions
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The route reads botocore's member names as they are (PascalCase), not the web default's camelCase.</summary>
    private static readonly JsonSerializerOptions AsNamed = new();

    public static async Task<int> RecordAsync(Uri motoEndpoint, string account, string region, IReadOnlyCollection<SandboxSession> sessions, CancellationToken cancellationToken)
    {
        var body = new
        {
            account,
            region,
            sessions = sessions.Select(s => new
            {
                s.SessionId,
                s.Owner,
                s.Target,
                s.DocumentName,
                StartDate = Stamp(s.StartDate),
                EndDate = s.EndDate is { } ended ? Stamp(ended) : null,
            }),
        };
        using var response = await Http.PostAsJsonAsync(new Uri(motoEndpoint, "/moto-api/bastion-portal/sessions"), body, AsNamed, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The sandbox's moto did not record sessions ({(int)response.StatusCode}): is its session extension loaded (Portal.Web/Sandbox/moto)?");
        }

        return sessions.Count;
    }

    /// <summary>
    /// Dates the newest version of each key at the given time (<c>POST /moto-api/bastion-portal/objects/backdate</c>):
    /// the seeded transcripts are uploaded when the sandbox starts, for sessions that ended before, and the portal
    /// marks a transcript first written long after its session ended as modified.
    /// </summary>
    public static async Task BackdateAsync(Uri motoEndpoint, string account, string bucket, IEnumerable<(string Key, DateTimeOffset LastModified)> objects, CancellationToken cancellationToken)
    {
        var body = new { account, bucket, objects = objects.Select(o => new { o.Key, LastModified = Stamp(o.LastModified) }) };
        using var response = await Http.PostAsJsonAsync(new Uri(motoEndpoint, "/moto-api/bastion-portal/objects/backdate"), body, AsNamed, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The sandbox's moto did not date the seeded transcripts ({(int)response.StatusCode}): is its S3 extension loaded (Portal.Web/Sandbox/moto)?");
        }
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

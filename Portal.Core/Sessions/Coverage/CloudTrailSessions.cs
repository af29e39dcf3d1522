using System.Text.Json;
using Portal.Core.Aws;
using Portal.Core.Aws.CloudTrail;

namespace Portal.Core.Sessions.Coverage;

/// <summary>
/// Sessions as CloudTrail's event history tells them (90 days, no trail needed): a StartSession event names the
/// session (responseElements), its target and document (requestParameters) and who started it (userIdentity); a
/// TerminateSession event, when the client ended it, its end. Refused calls (an <c>errorCode</c>) started nothing.
/// What was read is kept: a later call reads only what is new (CloudTrail answers about two calls a second).
/// </summary>
internal sealed class CloudTrailSessions(ICloudTrailClient cloudTrail, TimeProvider time) : IDisposable
{
    /// <summary>How long CloudTrail's event history keeps events: what is older is gone there and is let go here.</summary>
    private static readonly TimeSpan EventHistory = TimeSpan.FromDays(ISessionCoverage.MaxDays);

    /// <summary>CloudTrail delivers an event within about 15 minutes; the next read goes back that far.</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromMinutes(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SessionHistoryEntry> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _ends = new(StringComparer.Ordinal);
    private DateTimeOffset? _from;
    private DateTimeOffset? _to;

    /// <summary>Every session started since <paramref name="since"/> that CloudTrail recorded, by id.</summary>
    /// <exception cref="AwsApiException">CloudTrail refused (AccessDenied names <c>cloudtrail:LookupEvents</c>).</exception>
    public async Task<IReadOnlyDictionary<string, SessionHistoryEntry>> SinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_from is not { } from || _to is not { } to)
            {
                await ReadAsync(since, now, cancellationToken);
                (_from, _to) = (since, now);
            }
            else
            {
                if (since < from)
                {
                    await ReadAsync(since, from, cancellationToken);
                    _from = since;
                }

                await ReadAsync(to - Delivery, now, cancellationToken);
                _to = now;
            }

            Forget(now - EventHistory);
            return _sessions.Values
                .Where(s => s.StartedAt >= since)
                .Select(s => _ends.TryGetValue(s.SessionId, out var ended) ? s with { EndedAt = ended } : s)
                .ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReadAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        foreach (var started in await cloudTrail.LookupEventsAsync("StartSession", start, end, cancellationToken: cancellationToken))
        {
            if (Parse(started) is { } record && Session(record, started.EventTime) is { } session)
            {
                _sessions[session.SessionId] = session;
            }
        }

        foreach (var terminated in await cloudTrail.LookupEventsAsync("TerminateSession", start, end, cancellationToken: cancellationToken))
        {
            if (Parse(terminated) is { } record && !record.TryGetProperty("errorCode", out _)
                && (Text(record, "requestParameters", "sessionId") ?? Text(record, "responseElements", "sessionId")) is { } id)
            {
                _ends.TryAdd(id, terminated.EventTime);
            }
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Lets go of sessions started before <paramref name="before"/>, and of ends read for them.</summary>
    private void Forget(DateTimeOffset before)
    {
        foreach (var old in _sessions.Values.Where(s => s.StartedAt < before).Select(s => s.SessionId).ToList())
        {
            _sessions.Remove(old);
            _ends.Remove(old);
        }

        foreach (var old in _ends.Where(e => e.Value < before).Select(e => e.Key).ToList())
        {
            _ends.Remove(old);
        }

        if (_from < before)
        {
            _from = before;
        }
    }

    /// <summary>The session a StartSession event started, or none for a refused call.</summary>
    internal static SessionHistoryEntry? Session(JsonElement record, DateTimeOffset at) =>
        record.TryGetProperty("errorCode", out _) || Text(record, "responseElements", "sessionId") is not { } id || !SessionIds.IsValid(id)
            ? null
            : new SessionHistoryEntry(
                id,
                Text(record, "userIdentity", "arn"),
                Text(record, "requestParameters", "target"),
                at,
                null,
                Text(record, "requestParameters", "documentName") ?? "SSM-SessionManagerRunShell");

    private static JsonElement? Parse(TrailEvent trailEvent)
    {
        try
        {
            return JsonDocument.Parse(trailEvent.CloudTrailEvent).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement record, string section, string name) =>
        record.TryGetProperty(section, out var part) && part.ValueKind == JsonValueKind.Object && part.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

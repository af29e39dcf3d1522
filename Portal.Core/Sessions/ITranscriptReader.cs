using Portal.Core.Audit;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

/// <summary>Why a person reads a transcript: what the audit trail says they did.</summary>
public enum TranscriptUse
{
    /// <summary>Opened on the transcript page.</summary>
    View,

    /// <summary>Downloaded as text.</summary>
    Text,

    /// <summary>Downloaded as an HTML page.</summary>
    Html,
}

/// <summary>
/// Reading a transcript on someone's behalf: the page, the API and the downloads all come through here, and every
/// read (and every read that failed, with why) is on the audit trail under the actions of <see cref="AuditActions"/>.
/// </summary>
public interface ITranscriptReader
{
    /// <summary>Renders a transcript for <paramref name="actor"/> (the agent's first version unless <paramref name="versionId"/> names another).</summary>
    /// <exception cref="ArgumentException">The session id, width or version id is invalid (not audited: nothing was read).</exception>
    /// <exception cref="AwsApiException">S3 refused; audited as a failed read.</exception>
    Task<RenderedTranscript?> RenderAsync(string actor, string sessionId, TranscriptUse use, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a transcript on the page for <paramref name="actor"/> (audited as a view): returns once its render has
    /// begun, the document growing until it completes (see <see cref="ISessionTranscripts.OpenAsync"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The session id, width or version id is invalid (not audited: nothing was read).</exception>
    /// <exception cref="AwsApiException">S3 refused; audited as a failed read.</exception>
    Task<RenderedTranscript?> OpenAsync(string actor, string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the raw object for <paramref name="actor"/>'s download; the caller disposes the stream.</summary>
    /// <exception cref="ArgumentException">The session id or version id is invalid.</exception>
    /// <exception cref="AwsApiException">S3 refused; audited as a failed download.</exception>
    Task<(Stream Content, long Length, string? VersionId)?> OpenRawAsync(string actor, string sessionId, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="actor"/> (an Admin: the caller checks) showed the secrets of a transcript, on the page
    /// or in a download (<paramref name="where"/>); the page and downloads mask them otherwise.
    /// </summary>
    Task RecordRevealAsync(string actor, string sessionId, string where, CancellationToken cancellationToken = default);

    /// <summary>Lists the transcript's S3 versions for <paramref name="actor"/>.</summary>
    /// <exception cref="ArgumentException">The session id is invalid.</exception>
    /// <exception cref="AwsApiException">S3 refused; audited.</exception>
    Task<IReadOnlyList<TranscriptVersion>> VersionsAsync(string actor, string sessionId, CancellationToken cancellationToken = default);
}

internal sealed class AuditedTranscriptReader(ISessionTranscripts transcripts, IAuditTrail audit) : ITranscriptReader
{
    public Task<RenderedTranscript?> RenderAsync(string actor, string sessionId, TranscriptUse use, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default) =>
        AuditedAsync(
            actor,
            use == TranscriptUse.View ? AuditActions.SessionView : AuditActions.SessionDownload,
            sessionId,
            Describe(use switch { TranscriptUse.View => null, TranscriptUse.Text => "text", _ => "html" }, columns, versionId),
            () => transcripts.RenderAsync(sessionId, columns, versionId, cancellationToken),
            rendered => rendered is not null);

    public Task<RenderedTranscript?> OpenAsync(string actor, string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default) =>
        AuditedAsync(actor, AuditActions.SessionView, sessionId, Describe(null, columns, versionId), () => transcripts.OpenAsync(sessionId, columns, versionId, cancellationToken), rendered => rendered is not null);

    public Task<(Stream Content, long Length, string? VersionId)?> OpenRawAsync(string actor, string sessionId, string? versionId = null, CancellationToken cancellationToken = default) =>
        AuditedAsync(actor, AuditActions.SessionDownload, sessionId, Describe("raw", null, versionId), () => transcripts.OpenRawAsync(sessionId, versionId, cancellationToken), raw => raw is not null);

    public Task RecordRevealAsync(string actor, string sessionId, string where, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return SessionIds.IsValid(sessionId)
            ? audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionReveal, sessionId, AuditOutcome.Succeeded, $"secrets shown: {where}"), CancellationToken.None)
            : throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));
    }

    public Task<IReadOnlyList<TranscriptVersion>> VersionsAsync(string actor, string sessionId, CancellationToken cancellationToken = default) =>
        AuditedAsync(actor, AuditActions.SessionVersions, sessionId, null, () => transcripts.VersionsAsync(sessionId, cancellationToken), versions => versions.Count > 0);

    private async Task<T> AuditedAsync<T>(string actor, string action, string sessionId, string? what, Func<Task<T>> read, Func<T, bool> found)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        T result;
        try
        {
            result = await read();
        }
        catch (AwsApiException ex)
        {
            await audit.RecordAsync(new AuditRecord(actor, action, sessionId, AuditOutcome.Failed, Join(what, $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}")), CancellationToken.None);
            throw;
        }

        var ok = found(result);
        await audit.RecordAsync(new AuditRecord(actor, action, sessionId, ok ? AuditOutcome.Succeeded : AuditOutcome.Failed, Join(what, ok ? null : "no such transcript")), CancellationToken.None);
        return result;
    }

    private static string? Describe(string? format, int? columns, string? versionId)
    {
        var parts = new[] { format, columns is { } c ? $"{c} columns" : null, versionId is null ? null : $"version {versionId}" }.OfType<string>().ToList();
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string? Join(string? what, string? outcome) =>
        what is null ? outcome : outcome is null ? what : $"{what}: {outcome}";
}

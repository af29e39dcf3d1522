namespace Portal.Core.Sessions;

/// <summary>Reads one transcript from the log bucket, raw or rendered.</summary>
public interface ISessionTranscripts
{
    /// <summary>Renders a transcript, or <see langword="null"/> when there is no such object.</summary>
    /// <param name="sessionId">A valid session id (<see cref="SessionIds.IsValid"/>).</param>
    /// <param name="columns">Terminal width, 20 to 500. Defaults to the width the transcript's cursor addressing implies, at least 80.</param>
    /// <param name="versionId">An S3 version id, to read a later version than the first.</param>
    /// <param name="cancellationToken">Cancels the download and the rendering.</param>
    /// <exception cref="ArgumentException">The session id, width or version id is invalid.</exception>
    /// <exception cref="Aws.AwsApiException">S3 refused (AccessDenied names <c>s3:GetObject</c>).</exception>
    /// <remarks>The first version the agent wrote is rendered unless <paramref name="versionId"/> names another.</remarks>
    Task<RenderedTranscript?> RenderAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="RenderAsync"/>, but returns once the object is read and its render has begun: the
    /// <see cref="RenderedTranscript.Document"/> grows until its <see cref="Terminal.TranscriptDocument.Completion"/>,
    /// so a page shows the first rows of a huge transcript at once. Readers of the same version share one render.
    /// </summary>
    /// <exception cref="ArgumentException">The session id, width or version id is invalid.</exception>
    /// <exception cref="Aws.AwsApiException">S3 refused.</exception>
    Task<RenderedTranscript?> OpenAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The render <paramref name="handle"/> came from, if this process still holds it (it never reads S3 or waits), or
    /// <see langword="null"/>. Not audited: the read that made the handle was.
    /// </summary>
    RenderedTranscript? FindOpen(TranscriptHandle handle);

    /// <summary>
    /// The raw object as S3 holds it (the first version, unless <paramref name="versionId"/> names another), or
    /// <see langword="null"/> when there is none. The caller disposes the stream.
    /// </summary>
    /// <exception cref="ArgumentException">The session id or version id is invalid.</exception>
    /// <exception cref="Aws.AwsApiException">S3 refused.</exception>
    Task<(Stream Content, long Length, string? VersionId)?> OpenRawAsync(string sessionId, string? versionId = null, CancellationToken cancellationToken = default);

    /// <summary>Every version S3 holds of the transcript, oldest first (delete markers included).</summary>
    /// <exception cref="ArgumentException">The session id is invalid.</exception>
    /// <exception cref="Aws.AwsApiException">S3 refused (AccessDenied names <c>s3:ListBucketVersions</c>).</exception>
    Task<IReadOnlyList<TranscriptVersion>> VersionsAsync(string sessionId, CancellationToken cancellationToken = default);
}

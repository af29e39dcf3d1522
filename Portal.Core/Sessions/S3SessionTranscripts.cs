using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>
/// Transcripts from the log bucket: the first version unless another is asked for, judged with every version S3 holds
/// and, where Session Manager still has the session (<paramref name="history"/>), when it ended.
/// </summary>
internal sealed partial class S3SessionTranscripts(IAmazonS3 s3, IOptions<SessionLogOptions> options, ISessionLogLocation location, ISessionHistory? history = null, RenderBudget? budget = null, SharedRenders? shared = null) : ISessionTranscripts, ITranscriptObjects
{
    private readonly SharedRenders _renders = shared ?? new SharedRenders();

    public async Task<TranscriptContent?> ReadAsync(string key, long maxBytes, string? versionId = null, CancellationToken cancellationToken = default)
    {
        using var response = await GetAsync(key, versionId, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var content = await ReadUpToAsync(response.ResponseStream, response.ContentLength, maxBytes, cancellationToken);
        return new TranscriptContent(key, content, response.ContentLength, response.ETag, response.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null);
    }

    public async Task<RenderedTranscript?> RenderAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default)
    {
        var transcript = await OpenAsync(sessionId, columns, versionId, cancellationToken);
        if (transcript is not null)
        {
            await transcript.Document.Completion.WaitAsync(cancellationToken);
        }

        return transcript;
    }

    public async Task<RenderedTranscript?> OpenAsync(string sessionId, int? columns = null, string? versionId = null, CancellationToken cancellationToken = default)
    {
        TranscriptRender.CheckColumns(columns);
        CheckVersion(versionId);
        var key = await KeyOfAsync(sessionId, cancellationToken);
        var versions = await VersionsOfAsync(key, cancellationToken);
        var chosen = versionId ?? FirstOf(versions)?.VersionId;
        if (versionId is not null && versions.All(v => v.VersionId != versionId || v.IsDeleteMarker))
        {
            return null;
        }

        // One download and one render for every reader of this version at this width (see SharedRenders), streamed:
        // the first rows show while the rest downloads. Session Manager is asked when the session ended meanwhile.
        var ended = EndedAtAsync(sessionId, cancellationToken);
        var bucket = (await SourceAsync(cancellationToken)).Bucket;
        var stored = versions.FirstOrDefault(v => v.VersionId == chosen);
        var maxBytes = options.Value.MaxRenderBytes;
        var render = await _renders.GetOrRenderAsync(
            new SharedRenders.Key(bucket, key, chosen, stored?.ETag, columns),
            async () => await GetAsync(key, chosen, CancellationToken.None) is { } response
                ? await TranscriptRender.StartAsync(response.ResponseStream, response.ContentLength, maxBytes, columns, budget, response)
                : null,
            cancellationToken);
        if (render is null)
        {
            return null;
        }

        var size = stored?.Size ?? 0;
        return new RenderedTranscript(sessionId, key, size, stored?.ETag, stored?.LastModified, render.Document, size > maxBytes, chosen, versions)
        {
            SessionEndedAt = await ended,
            Bucket = bucket,
            ColumnsAsked = columns,
        };
    }

    public RenderedTranscript? FindOpen(TranscriptHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return _renders.Find(new SharedRenders.Key(handle.Bucket, handle.Key, handle.VersionId, handle.ETag, handle.Columns)) is { } render
            ? new RenderedTranscript(handle.SessionId, handle.Key, handle.Size, handle.ETag, handle.LastModified, render.Document, handle.PartlyRead, handle.VersionId, handle.Versions)
            {
                SessionEndedAt = handle.SessionEndedAt,
                Bucket = handle.Bucket,
                ColumnsAsked = handle.Columns,
            }
            : null;
    }

    /// <summary>When Session Manager says the session ended; unknown when it no longer has it or cannot be asked.</summary>
    private async Task<DateTimeOffset?> EndedAtAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (history is null)
        {
            return null;
        }

        try
        {
            return (await history.FindAsync(sessionId, cancellationToken))?.EndedAt;
        }
        catch (AwsApiException)
        {
            return null; // judged by its versions and footer alone
        }
    }

    public async Task<(Stream Content, long Length, string? VersionId)?> OpenRawAsync(string sessionId, string? versionId = null, CancellationToken cancellationToken = default)
    {
        CheckVersion(versionId);
        var key = await KeyOfAsync(sessionId, cancellationToken);
        var chosen = versionId ?? FirstOf(await VersionsOfAsync(key, cancellationToken))?.VersionId;
        var response = await GetAsync(key, chosen, cancellationToken);
        return response is null ? null : (response.ResponseStream, response.ContentLength, chosen);
    }

    public async Task<IReadOnlyList<TranscriptVersion>> VersionsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        await VersionsOfAsync(await KeyOfAsync(sessionId, cancellationToken), cancellationToken);

    /// <summary>The first version with content: what the agent wrote.</summary>
    private static TranscriptVersion? FirstOf(IReadOnlyList<TranscriptVersion> versions) => versions.FirstOrDefault(v => !v.IsDeleteMarker);

    /// <summary>Every version of exactly this key, oldest first (S3 lists newest first, and keys that merely start alike).</summary>
    private async Task<IReadOnlyList<TranscriptVersion>> VersionsOfAsync(string key, CancellationToken cancellationToken)
    {
        var bucket = (await SourceAsync(cancellationToken)).Bucket;
        return await AwsSdkCall.RunAsync<IReadOnlyList<TranscriptVersion>>(
            "s3",
            "ListObjectVersions",
            async () =>
            {
                var found = new List<TranscriptVersion>();
                var request = new ListVersionsRequest { BucketName = bucket, Prefix = key };
                while (true)
                {
                    var page = await s3.ListVersionsAsync(request, cancellationToken);
                    found.AddRange((page.Versions ?? []).Where(v => v.Key == key).Select(v => new TranscriptVersion(
                        v.VersionId ?? "null",
                        v.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null,
                        v.Size ?? 0,
                        v.ETag,
                        v.IsLatest == true,
                        v.IsDeleteMarker == true)));
                    if (page.IsTruncated != true)
                    {
                        break;
                    }

                    (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
                }

                // S3 lists a key's versions newest first (LastModified has whole seconds only, too coarse to order by).
                found.Reverse();
                return found;
            },
            $"The portal may not list the versions of s3://{bucket}/{key}: its role needs s3:ListBucketVersions.");
    }

    /// <exception cref="ArgumentException">Not an S3 version id.</exception>
    private static void CheckVersion(string? versionId)
    {
        if (versionId is not null && !VersionIds().IsMatch(versionId))
        {
            throw new ArgumentException("Not an S3 version id.", nameof(versionId));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9._+=/-]{1,1024}\z")]
    private static partial System.Text.RegularExpressions.Regex VersionIds();

    private async Task<string> KeyOfAsync(string sessionId, CancellationToken cancellationToken) =>
        SessionIds.IsValid(sessionId)
            ? (await SourceAsync(cancellationToken)).Prefix + sessionId + ".log"
            : throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));

    private async Task<SessionLogSource> SourceAsync(CancellationToken cancellationToken) =>
        await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No session-log bucket is set up (the setup wizard) or configured (Portal:Sessions:Bucket).");

    private async Task<GetObjectResponse?> GetAsync(string key, string? versionId, CancellationToken cancellationToken)
    {
        var bucket = (await SourceAsync(cancellationToken)).Bucket;

        // "null" names the version written while the bucket kept none; S3 reads it by that name too, which matters
        // once later versions exist (a plain GET would return the newest).
        var version = versionId;

        return await AwsSdkCall.RunAsync(
            "s3",
            "GetObject",
            async () =>
            {
                try
                {
                    return await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = version }, cancellationToken);
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode is "NoSuchKey" or "NotFound")
                {
                    return null;
                }
            },
            $"The portal may not read s3://{bucket}/{key}: its role needs s3:GetObject on the log prefix (and kms:Decrypt for an SSE-KMS bucket).");
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; with a known length, into one array of the right size.</summary>
    private static async Task<byte[]> ReadUpToAsync(Stream stream, long length, long limit, CancellationToken cancellationToken)
    {
        if (length >= 0)
        {
            var content = new byte[Math.Min(length, limit)];
            var read = await stream.ReadAtLeastAsync(content, content.Length, throwOnEndOfStream: false, cancellationToken);
            return read == content.Length ? content : content[..read];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while (buffer.Length < limit && (n = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}

using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Sessions;

internal sealed class S3SessionTranscripts(IAmazonS3 s3, IOptions<SessionLogOptions> options, ISessionLogLocation location) : ISessionTranscripts, ITranscriptObjects
{
    public async Task<TranscriptContent?> ReadAsync(string key, long maxBytes, CancellationToken cancellationToken = default)
    {
        using var response = await GetAsync(key, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var content = await ReadUpToAsync(response.ResponseStream, response.ContentLength, maxBytes, cancellationToken);
        return new TranscriptContent(key, content, response.ContentLength, response.ETag, response.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null);
    }

    public async Task<RenderedTranscript?> RenderAsync(string sessionId, int? columns = null, CancellationToken cancellationToken = default)
    {
        TranscriptRender.CheckColumns(columns);
        var key = await KeyOfAsync(sessionId, cancellationToken);

        if (await ReadAsync(key, options.Value.MaxRenderBytes, cancellationToken) is not { } transcript)
        {
            return null;
        }

        var content = transcript.Content;
        var size = transcript.Size;
        var render = TranscriptRender.Render(content, columns);
        return new RenderedTranscript(
            sessionId,
            key,
            size,
            transcript.ETag,
            transcript.LastModified,
            render.File.Header,
            render.File.Footer,
            render.Document,
            size > content.Length || render.Document.Truncated);
    }

    public async Task<(Stream Content, long Length)?> OpenRawAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var response = await GetAsync(await KeyOfAsync(sessionId, cancellationToken), cancellationToken);
        return response is null ? null : (response.ResponseStream, response.ContentLength);
    }

    private async Task<string> KeyOfAsync(string sessionId, CancellationToken cancellationToken) =>
        SessionIds.IsValid(sessionId)
            ? (await SourceAsync(cancellationToken)).Prefix + sessionId + ".log"
            : throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));

    private async Task<SessionLogSource> SourceAsync(CancellationToken cancellationToken) =>
        await location.GetAsync(cancellationToken) ?? throw new InvalidOperationException("No session-log bucket is set up (the setup wizard) or configured (Portal:Sessions:Bucket).");

    private async Task<GetObjectResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var bucket = (await SourceAsync(cancellationToken)).Bucket;

        return await AwsSdkCall.RunAsync(
            "s3",
            "GetObject",
            async () =>
            {
                try
                {
                    return await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
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

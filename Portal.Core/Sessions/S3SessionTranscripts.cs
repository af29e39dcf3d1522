using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

internal sealed class S3SessionTranscripts(IAmazonS3 s3, IOptions<SessionLogOptions> options) : ISessionTranscripts
{
    private const int MinColumns = 20;
    private const int MaxColumns = 500;

    public async Task<RenderedTranscript?> RenderAsync(string sessionId, int? columns = null, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(sessionId);
        if (columns is < MinColumns or > MaxColumns)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"Choose a width from {MinColumns} to {MaxColumns} columns.");
        }

        using var response = await GetAsync(key, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var size = response.ContentLength;
        var limit = options.Value.MaxRenderBytes;
        var content = await ReadUpToAsync(response.ResponseStream, limit, cancellationToken);
        var file = TranscriptFile.Parse(content);
        var body = content.AsSpan(file.BodyOffset, file.BodyLength);
        var terminal = new TerminalEmulator(columns ?? TerminalWidth.Detect(body), 24);
        terminal.Write(body);
        // The empty screen rows below the last output are the terminal's, not the session's: leave them out.
        var rows = terminal.Transcript().ToList();
        while (rows.Count > 1 && rows[^1].Kind == RowKind.Live && rows[^1].Row.IsBlank)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var lines = terminal.TranscriptLines().Where(l => l.FirstRow < rows.Count).ToList();
        return new RenderedTranscript(
            sessionId,
            key,
            size,
            response.ETag,
            response.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null,
            file.Header,
            file.Footer,
            terminal.Title,
            terminal.Columns,
            [.. rows.Select(r => new RenderedRow(TerminalHtml.Row(r.Row), r.Kind))],
            [.. lines.Select(l => new RenderedLine(l.Text, l.Kind, l.FirstRow))],
            size > content.Length);
    }

    public async Task<(Stream Content, long Length)?> OpenRawAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var response = await GetAsync(KeyOf(sessionId), cancellationToken);
        return response is null ? null : (response.ResponseStream, response.ContentLength);
    }

    private string KeyOf(string sessionId) =>
        SessionIds.IsValid(sessionId)
            ? options.Value.Prefix + sessionId + ".log"
            : throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));

    private async Task<GetObjectResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var bucket = options.Value.Bucket;
        if (string.IsNullOrWhiteSpace(bucket))
        {
            throw new InvalidOperationException("No session-log bucket is configured (Portal:Sessions:Bucket).");
        }

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

    private static async Task<byte[]> ReadUpToAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

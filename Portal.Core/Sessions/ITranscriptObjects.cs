namespace Portal.Core.Sessions;

/// <summary>Reads transcript objects by key, as listed: the indexer's way in, which may meet keys in sub-folders.</summary>
internal interface ITranscriptObjects
{
    /// <summary>The first <paramref name="maxBytes"/> bytes of the object (of one version, when given), or <see langword="null"/> when it is gone.</summary>
    /// <exception cref="Aws.AwsApiException">S3 refused.</exception>
    Task<TranscriptContent?> ReadAsync(string key, long maxBytes, string? versionId = null, CancellationToken cancellationToken = default);
}

/// <summary>An object's first bytes and what S3 says about the whole of it.</summary>
/// <param name="Key">The S3 key.</param>
/// <param name="Content">Up to the limit asked for.</param>
/// <param name="Size">The whole object's size; more than <c>Content.Length</c> when cut.</param>
/// <param name="ETag">The object's ETag.</param>
/// <param name="LastModified">When S3 stored it.</param>
internal sealed record TranscriptContent(string Key, byte[] Content, long Size, string? ETag, DateTimeOffset? LastModified);

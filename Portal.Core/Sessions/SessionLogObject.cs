namespace Portal.Core.Sessions;

/// <summary>One transcript object in the log bucket.</summary>
/// <param name="Key">The S3 key.</param>
/// <param name="SessionId">The session id: the key's file name without <c>.log</c>.</param>
/// <param name="Principal">The IAM principal the id names (before its last '-'), until a better source says otherwise.</param>
/// <param name="Size">Bytes.</param>
/// <param name="LastModified">When the agent uploaded it: about when the session ended.</param>
/// <param name="ETag">The object's ETag, which changes when the object does.</param>
/// <param name="VersionId">The first version's id, where the bucket keeps versions; the listing's other fields are that version's.</param>
/// <param name="Versions">How many versions S3 holds (delete markers included).</param>
/// <param name="Altered">Written again or deleted since the first version.</param>
public sealed record SessionLogObject(string Key, string SessionId, string Principal, long Size, DateTimeOffset? LastModified, string? ETag = null, string? VersionId = null, int Versions = 1, bool Altered = false)
{
    /// <summary>The object for a key ending in <c>.log</c>, or <see langword="null"/> for any other object.</summary>
    public static SessionLogObject? FromKey(string key, long size, DateTimeOffset? lastModified, string? etag = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.EndsWith(".log", StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[(key.LastIndexOf('/') + 1)..^".log".Length];
        if (name.Length == 0)
        {
            return null;
        }

        // Principals may contain '-', '.', '@'; the opaque suffix never does, so the last '-' separates them.
        var dash = name.LastIndexOf('-');
        return new SessionLogObject(key, name, dash > 0 ? name[..dash] : name, size, lastModified, etag);
    }
}

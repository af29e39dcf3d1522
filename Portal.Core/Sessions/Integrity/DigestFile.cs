using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Core.Sessions.Integrity;

/// <summary>
/// One digest: every transcript object version first written to the log bucket in [<see cref="IntervalStart"/>,
/// <see cref="IntervalEnd"/>), with the SHA-256 of its bytes, and the previous digest's key and SHA-256, so digests
/// form a chain. The file's exact bytes are signed; its signature travels in the object's metadata.
/// </summary>
/// <param name="Version">The format's version (1).</param>
/// <param name="Bucket">The log bucket.</param>
/// <param name="Prefix">The transcripts' prefix.</param>
/// <param name="IntervalStart">The previous digest's end, or the Unix epoch for the first digest (which covers everything before it).</param>
/// <param name="IntervalEnd">The end of the interval (exclusive); also the time in the digest's key.</param>
/// <param name="WrittenAt">When the portal wrote the digest.</param>
/// <param name="KeyArn">The KMS key that signed it.</param>
/// <param name="SigningAlgorithm">Always <c>RSASSA_PSS_SHA_256</c>.</param>
/// <param name="Previous">The previous digest, or <see langword="null"/> for the first.</param>
/// <param name="Objects">The versions, by key then time.</param>
public sealed record DigestFile(
    int Version,
    string Bucket,
    string Prefix,
    DateTimeOffset IntervalStart,
    DateTimeOffset IntervalEnd,
    DateTimeOffset WrittenAt,
    string KeyArn,
    string SigningAlgorithm,
    DigestLink? Previous,
    IReadOnlyList<DigestedObject> Objects)
{
    /// <summary>The only signing algorithm digests use.</summary>
    public const string Algorithm = "RSASSA_PSS_SHA_256";

    /// <summary>Where digests live in the log bucket.</summary>
    public const string KeyPrefix = "portal-digests/";

    /// <summary>The metadata entry holding the signature, hex (S3 sends it as <c>x-amz-meta-signature</c>).</summary>
    public const string SignatureMetadata = "signature";

    /// <summary>The metadata entry naming the signing algorithm.</summary>
    public const string AlgorithmMetadata = "signature-algorithm";

    private const string KeyTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>How digests are written: camelCase, indented, so a person can read them.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>
    /// The key of the digest ending at <paramref name="intervalEnd"/>: <c>portal-digests/yyyy/MM/dd/yyyyMMddTHHmmssZ.json</c>,
    /// so keys sort by time.
    /// </summary>
    public static string KeyFor(DateTimeOffset intervalEnd)
    {
        var utc = intervalEnd.ToUniversalTime();
        return $"{KeyPrefix}{utc.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture)}/{utc.ToString(KeyTimeFormat, CultureInfo.InvariantCulture)}.json";
    }

    /// <summary>The interval end a digest key names, or <see langword="null"/> for any other key.</summary>
    public static DateTimeOffset? EndOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[(key.LastIndexOf('/') + 1)..^".json".Length];
        return DateTimeOffset.TryParseExact(name, KeyTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var end)
            && KeyFor(end) == key
            ? end
            : null;
    }

    /// <summary>Reads a digest's bytes.</summary>
    /// <exception cref="JsonException">The bytes are not a digest.</exception>
    public static DigestFile Parse(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<DigestFile>(bytes, Json) is { Bucket: not null, KeyArn: not null, Objects: not null } file
            ? file
            : throw new JsonException("Not a digest: bucket, keyArn or objects missing.");

    /// <summary>Reads a digest's bytes, or <see langword="null"/> when they are not a digest.</summary>
    public static DigestFile? TryParse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The bytes that are hashed and signed.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>A link in the chain: the previous digest's key and the SHA-256 (hex) of its bytes.</summary>
public sealed record DigestLink(string Key, string Sha256);

/// <summary>One transcript object version in a digest.</summary>
/// <param name="Key">The S3 key.</param>
/// <param name="VersionId">The S3 version id (<c>null</c> as a string in a bucket that never kept versions).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">SHA-256 of the bytes, hex.</param>
/// <param name="LastModified">When S3 says the version was written.</param>
/// <param name="SessionId">The session the key names, where it is a transcript.</param>
public sealed record DigestedObject(string Key, string VersionId, long Size, string Sha256, DateTimeOffset LastModified, string? SessionId);

using System.Text.Json.Serialization;
using Portal.Core.Text;

namespace Portal.Core.Sessions.Integrity;

/// <summary>What a walk of the digest chain found between two times.</summary>
/// <param name="From">The start of the time checked.</param>
/// <param name="To">The end of the time checked.</param>
/// <param name="CheckedAt">When the walk ran.</param>
/// <param name="Digests">Digests read and checked.</param>
/// <param name="Objects">Transcript versions hashed again.</param>
/// <param name="Bytes">Bytes hashed.</param>
/// <param name="CoveredFrom">The start of the first digest checked.</param>
/// <param name="CoveredTo">The end of the last digest checked.</param>
/// <param name="KeyArns">The keys that signed them.</param>
/// <param name="Problems">Everything that does not hold, in chain order.</param>
public sealed record IntegrityReport(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset CheckedAt,
    int Digests,
    int Objects,
    long Bytes,
    DateTimeOffset? CoveredFrom,
    DateTimeOffset? CoveredTo,
    IReadOnlyList<string> KeyArns,
    IReadOnlyList<IntegrityProblem> Problems)
{
    /// <summary>Every digest's signature and link held, and every transcript they list is unchanged.</summary>
    public bool Verified => Problems.Count == 0 && Digests > 0;

    /// <summary>The report in a line, for the audit trail.</summary>
    public string Summary() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{From:O} to {To:O}: {Digests} digest(s), {Objects} transcript version(s), {Problems.Count} problem(s)")
        + (Problems.Count == 0 ? string.Empty : ": " + string.Join(", ", Problems.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}")));
}

/// <summary>One thing that does not hold.</summary>
/// <param name="Kind">What kind of thing.</param>
/// <param name="DigestKey">The digest concerned, if any.</param>
/// <param name="ObjectKey">The transcript concerned, if any.</param>
/// <param name="VersionId">Its version, if any.</param>
/// <param name="Detail">What was found, in a sentence (English in JSON).</param>
public sealed record IntegrityProblem(IntegrityProblemKind Kind, string? DigestKey, string? ObjectKey, string? VersionId, Phrase Detail);

/// <summary>Kinds of integrity problem; written in kebab case in JSON.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntegrityProblemKind>))]
public enum IntegrityProblemKind
{
    /// <summary>A digest's signature does not verify with its key, or is missing.</summary>
    [JsonStringEnumMemberName("bad-signature")]
    BadSignature,

    /// <summary>A digest does not name the digest before it, by key and SHA-256.</summary>
    [JsonStringEnumMemberName("broken-chain")]
    BrokenChain,

    /// <summary>Time between two digests that neither covers.</summary>
    [JsonStringEnumMemberName("gap")]
    Gap,

    /// <summary>A digest object was written over or deleted (S3 keeps more than one version of it).</summary>
    [JsonStringEnumMemberName("digest-altered")]
    DigestAltered,

    /// <summary>A digest cannot be read as one.</summary>
    [JsonStringEnumMemberName("unreadable")]
    Unreadable,

    /// <summary>A transcript version's bytes no longer match the digest.</summary>
    [JsonStringEnumMemberName("changed")]
    Changed,

    /// <summary>A transcript version a digest lists is gone.</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>A transcript version in a digested interval that no digest lists.</summary>
    [JsonStringEnumMemberName("not-in-digest")]
    NotInDigest,

    /// <summary>No digest covers time that should have one by now: the writer stopped or cannot sign.</summary>
    [JsonStringEnumMemberName("late")]
    Late,
}

/// <summary>The digests that cover one transcript, for an evidence bundle.</summary>
/// <param name="Digests">Each covering digest's bytes and signature.</param>
/// <param name="PublicKeysPem">The signing keys' public halves (PEM), by key ARN.</param>
/// <param name="Uncovered">Versions no digest lists yet (written within the last interval).</param>
public sealed record TranscriptDigestEvidence(IReadOnlyList<CoveringDigest> Digests, IReadOnlyDictionary<string, string> PublicKeysPem, IReadOnlyList<string> Uncovered);

/// <summary>A digest that lists a version of the transcript.</summary>
/// <param name="Key">The digest's S3 key.</param>
/// <param name="Bytes">Its bytes, as signed.</param>
/// <param name="Signature">The signature, decoded from the metadata's hex.</param>
/// <param name="KeyArn">The key that signed it.</param>
/// <param name="VersionIds">The transcript's versions it lists.</param>
public sealed record CoveringDigest(string Key, byte[] Bytes, byte[] Signature, string KeyArn, IReadOnlyList<string> VersionIds);

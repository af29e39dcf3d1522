using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Core.Access;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Coverage;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Integrity;

namespace Portal.Core.Sessions.Evidence;

/// <summary>
/// A session's evidence as one zip, checkable without the portal: the transcript as the agent wrote it (byte for
/// byte) and any later version, text and HTML renderings, what Session Manager and the index say of the session, the
/// grant and request that allowed it, the portal's audit entries and auditors' annotations about it, and VERIFY.md saying how to check it.
/// </summary>
public interface IEvidenceBundles
{
    /// <summary>Writes the bundle to <paramref name="output"/>; false, and nothing written, when there is no transcript.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="actor">Who asks: the download is audited in their name.</param>
    /// <param name="output">Where the zip goes (a response body); left open.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ArgumentException">The session id is invalid.</exception>
    /// <exception cref="AwsApiException">S3, Session Manager or IAM refused; the failure is audited.</exception>
    Task<bool> WriteAsync(string sessionId, string actor, Stream output, CancellationToken cancellationToken = default);
}

internal sealed class EvidenceBundles(
    ISessionTranscripts transcripts,
    ISessionIndex index,
    ISessionHistory history,
    IAccessGrants grants,
    IAccessRequests requests,
    IAuditTrail audit,
    ITranscriptDigests digests,
    ISessionAnnotations annotations,
    TimeProvider time) : IEvidenceBundles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<bool> WriteAsync(string sessionId, string actor, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentNullException.ThrowIfNull(output);
        if (!SessionIds.IsValid(sessionId))
        {
            throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));
        }

        try
        {
            var written = await BuildAsync(sessionId, output, cancellationToken);
            await audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionEvidence, sessionId, written ? AuditOutcome.Succeeded : AuditOutcome.Failed, written ? "evidence bundle" : "no such transcript"), CancellationToken.None);
            return written;
        }
        catch (AwsApiException ex)
        {
            await audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionEvidence, sessionId, AuditOutcome.Failed, $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}"), CancellationToken.None);
            throw;
        }
    }

    private async Task<bool> BuildAsync(string sessionId, Stream output, CancellationToken cancellationToken)
    {
        if (await transcripts.RenderAsync(sessionId, cancellationToken: cancellationToken) is not { } rendered)
        {
            return false;
        }

        var versions = rendered.Versions ?? [];
        var first = await ReadAllAsync(sessionId, rendered.VersionId, cancellationToken);
        var detail = await index.GetAsync(sessionId, cancellationToken);
        var (session, historyRead) = await HistoryOfAsync(sessionId, cancellationToken);

        // The bundle has a transcript, so the session is on record (as its integrity says) or of unknown origin.
        CoverageState? state = !historyRead ? null
            : session is null ? CoverageState.UnknownOrigin
            : SessionCoverage.StateOf(rendered.Integrity);
        var owner = session?.Owner ?? detail?.Session.Owner;
        var iamUser = SessionOwner.IamUserName(owner);
        var target = session?.Target ?? detail?.Session.InstanceId;
        var startedAt = session?.StartedAt ?? detail?.Session.StartedAt;
        var covering = iamUser is not null && target is not null && startedAt is { } at ? await grants.CoveringAsync(iamUser, target, at, cancellationToken) : null;
        var request = covering?.Grant.RequestId is { } requestId ? await requests.GetAsync(requestId, cancellationToken) : null;
        var entries = (await audit.QueryAsync(new AuditQuery { Target = sessionId, Take = AuditQuery.MaxTake }, cancellationToken)).Items;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(first));

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await AddAsync(zip, "transcript.log", first, cancellationToken);
        foreach (var later in versions.Where(v => !v.IsDeleteMarker && v.VersionId != rendered.VersionId))
        {
            await AddAsync(zip, $"versions/{Safe(later.VersionId)}.log", await ReadAllAsync(sessionId, later.VersionId, cancellationToken), cancellationToken);
        }

        await AddTextAsync(zip, "transcript.txt", writer => TranscriptExport.WriteTextAsync(writer, rendered, masker: null, cancellationToken)); // evidence: nothing masked
        await AddTextAsync(zip, "transcript.html", writer => TranscriptExport.WriteHtmlAsync(writer, rendered, masker: null, cancellationToken));
        await AddJsonAsync(zip, "session.json", new
        {
            sessionId,
            owner,
            iamUser,
            target,
            documentName = session?.DocumentName,
            startedAt,
            endedAt = session?.EndedAt ?? detail?.Session.EndedAt,
            s3 = new
            {
                key = rendered.Key,
                versionId = rendered.VersionId,
                etag = rendered.ETag,
                size = first.Length,
                lastModified = rendered.LastModified,
                versions = versions.Select(v => new { v.VersionId, v.LastModified, v.Size, v.ETag, v.IsDeleteMarker }),
            },
            sha256,
            integrity = rendered.Integrity,
            coverage = state,
            commands = detail?.Commands.Select(c => new { line = c.Line + 1, c.Text, c.Flags }) ?? [],
            bundledAt = time.GetUtcNow(),
        });
        await AddJsonAsync(zip, "access.json", covering is null
            ? new { covered = false, note = "No portal grant covered this session: it was started under access the portal did not give, or before the portal managed the bastion." } as object
            : new
            {
                covered = true,
                grant = covering.Grant,
                policyDocument = JsonDocument.Parse(covering.PolicyDocument).RootElement,
                request = request is null ? null : new { request.Id, request.Requester, request.Reason, request.Ticket, request.CreatedAt, request.Decisions, request.BreakGlass },
            });
        await AddJsonAsync(zip, "audit.json", entries);
        // Every annotation the session ever had: removed ones too, with who removed them, as the audit trail has them.
        await AddJsonAsync(zip, "annotations.json", await annotations.HistoryAsync(sessionId, cancellationToken));
        var (signed, note) = await DigestsAsync(rendered.Key, versions, cancellationToken);
        foreach (var digest in signed?.Digests ?? [])
        {
            await AddAsync(zip, $"digests/{DigestName(digest.Key)}.json", digest.Bytes, cancellationToken);
            await AddAsync(zip, $"digests/{DigestName(digest.Key)}.sig", digest.Signature, cancellationToken);
        }

        foreach (var (arn, pem) in signed?.PublicKeysPem ?? new Dictionary<string, string>())
        {
            await AddTextAsync(zip, $"digests/{PublicKeyFile(arn, signed!)}", writer => writer.WriteAsync(pem));
        }

        await AddTextAsync(zip, "VERIFY.md", writer => writer.WriteAsync(Verify(sessionId, rendered, sha256) + DigestSection(rendered, signed, note)));
        return true;
    }

    /// <summary>The digests that list the transcript's versions; a failure to read them is said in VERIFY.md, not fatal.</summary>
    private async Task<(TranscriptDigestEvidence? Evidence, string? Note)> DigestsAsync(string key, IReadOnlyList<TranscriptVersion> versions, CancellationToken cancellationToken)
    {
        try
        {
            return (await digests.EvidenceAsync(key, versions, cancellationToken), null);
        }
        catch (AwsApiException ex)
        {
            return (null, $"The digests could not be read when the bundle was made ({ex.Service} {ex.Operation} answered {ex.ErrorCode}).");
        }
    }

    /// <summary>The public key's file name: <c>public-key.pem</c>, or one per key when digests were signed by several.</summary>
    private static string PublicKeyFile(string keyArn, TranscriptDigestEvidence evidence) =>
        evidence.PublicKeysPem.Count == 1 ? "public-key.pem" : $"public-key-{keyArn[(keyArn.LastIndexOf('/') + 1)..]}.pem";

    /// <summary>A digest's file name in the bundle, without extension: the time its interval ends.</summary>
    private static string DigestName(string key) => key[(key.LastIndexOf('/') + 1)..^".json".Length];

    private static string DigestSection(RenderedTranscript rendered, TranscriptDigestEvidence? evidence, string? note)
    {
        var text = new StringBuilder().AppendLine().AppendLine("## 4. A signed digest lists it").AppendLine();
        if (evidence is null || evidence.Digests.Count == 0)
        {
            return text.AppendLine(note ?? "No digest lists this transcript yet: the portal writes one every interval, shortly after it ends. Download the bundle again later.").ToString();
        }

        text.AppendLine("`digests/` holds each digest that lists a version of this transcript (`<time>.json`, the exact bytes the portal")
            .AppendLine("signed), its signature (`<time>.sig`, RSASSA-PSS with SHA-256, from the digest object's `x-amz-meta-signature`, hex)")
            .AppendLine("and the public key of the KMS key that signed it. Check the signature, and that the digest names this transcript's SHA-256:")
            .AppendLine()
            .AppendLine("```sh")
            .AppendLine("cd digests");
        foreach (var digest in evidence.Digests)
        {
            var name = DigestName(digest.Key);
            text.AppendLine(CultureInfo.InvariantCulture, $"openssl dgst -sha256 -verify {PublicKeyFile(digest.KeyArn, evidence)} -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:auto -signature {name}.sig {name}.json")
                .AppendLine(CultureInfo.InvariantCulture, $"jq -r '.objects[] | select(.key == \"{rendered.Key}\") | \"\\(.versionId) \\(.sha256)\"' {name}.json");
        }

        text.AppendLine("```").AppendLine()
            .AppendLine("`openssl` prints `Verified OK`; `jq` prints each version with the SHA-256 that `sha256sum` gives for `transcript.log`")
            .AppendLine("(and for the files under `versions/`). The public key is KMS's own; fetch it yourself rather than trust the bundle's copy:")
            .AppendLine()
            .AppendLine("```sh");
        foreach (var arn in evidence.PublicKeysPem.Keys)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"aws kms get-public-key --key-id {arn} --query PublicKey --output text | base64 -d | openssl pkey -pubin -inform DER -out kms.pem")
                .AppendLine(CultureInfo.InvariantCulture, $"diff kms.pem digests/{PublicKeyFile(arn, evidence)} && echo same key");
        }

        text.AppendLine("```").AppendLine()
            .AppendLine("Each digest names the one before it (`previous.key` and `previous.sha256`), so the chain can be walked back to the")
            .AppendLine("first; `docs/verify-digests.sh` in the portal's repository walks a bucket's whole chain with the same tools.");
        if (evidence.Uncovered.Count > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Not yet in a digest: version(s) {string.Join(", ", evidence.Uncovered)}, written within the last interval.");
        }

        return text.ToString();
    }

    private async Task<(SessionHistoryEntry? Session, bool Read)> HistoryOfAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return (await history.FindAsync(sessionId, cancellationToken), true);
        }
        catch (AwsApiException)
        {
            // Without Session Manager's history, the index's word stands; session.json then lacks the document name
            // and the coverage state.
            return (null, false);
        }
    }

    private async Task<byte[]> ReadAllAsync(string sessionId, string? versionId, CancellationToken cancellationToken)
    {
        var raw = await transcripts.OpenRawAsync(sessionId, versionId, cancellationToken) ?? throw new InvalidOperationException($"Version {versionId} of {sessionId} is gone.");
        await using var content = raw.Content;
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static async Task AddAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        await using var entry = await zip.CreateEntry(name, CompressionLevel.Optimal).OpenAsync(cancellationToken);
        await entry.WriteAsync(content, cancellationToken);
    }

    private static async Task AddTextAsync(ZipArchive zip, string name, Func<TextWriter, Task> write)
    {
        await using var entry = await zip.CreateEntry(name, CompressionLevel.Optimal).OpenAsync();
        await using var writer = new StreamWriter(entry, new UTF8Encoding(false));
        await write(writer);
    }

    private static Task AddJsonAsync(ZipArchive zip, string name, object value) =>
        AddTextAsync(zip, name, writer => writer.WriteAsync(JsonSerializer.Serialize(value, Json)));

    /// <summary>A version id as a file name (ids are letters, digits and a few marks; '/' is not for a file name).</summary>
    private static string Safe(string versionId) => versionId.Replace('/', '_');

    private static string Verify(string sessionId, RenderedTranscript rendered, string sha256) => string.Create(CultureInfo.InvariantCulture, $"""
        # Verifying this evidence bundle

        Session `{sessionId}`, bundled from `{rendered.Key}`, version `{rendered.VersionId ?? "null"}`.

        ## 1. The transcript is the bytes named here

        ```sh
        sha256sum transcript.log
        # {sha256}  transcript.log
        jq -r .sha256 session.json
        ```

        Both must print `{sha256}`.

        ## 2. It is the version S3 still holds

        With read access to the bucket, fetch the same version and compare:

        ```sh
        aws s3api get-object --bucket <bucket> --key '{rendered.Key}' --version-id '{rendered.VersionId ?? "null"}' fetched.log
        sha256sum fetched.log transcript.log
        ```

        The ETag in `session.json` is S3's; for a transcript uploaded in one part it is the MD5 of the bytes
        (`md5sum transcript.log`). `session.json` lists every version S3 held when the bundle was made; any version after
        the first is under `versions/`, and its presence is why `integrity` says `modified`.

        ## 3. What the other files are

        - `transcript.txt`, `transcript.html`: the transcript rendered as the terminal showed it (the HTML loads nothing).
          Nothing in this bundle is masked: the page and its text and HTML downloads mask secrets (keys, tokens,
          passwords), but evidence is the transcript byte for byte, and its renderings show what was typed.
        - `session.json`: Session Manager's and the index's record of the session, its coverage state, commands and flags.
        - `access.json`: the portal grant that allowed the session, the policy document it put in IAM, and the request and
          decisions behind it; or that none did.
        - `audit.json`: the portal's audit entries that name this session (views, downloads, terminations).
        - `annotations.json`: auditors' tags, bookmarks and comments on the session (`line` is the logical line), removed
          ones included with who removed them.
        - `digests/`: the signed digests that list the transcript, their signatures and the signing key's public half.

        """);
}

using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Annotations;

namespace Portal.Core.Sandbox;

internal sealed partial class SandboxSeeder(
    IAmazonEC2 ec2,
    IAmazonS3 s3,
    IAmazonKeyManagementService kms,
    IIamClient iam,
    IAccessRequests requests,
    IAccessGrants grants,
    ISessionAnnotations annotations,
    IOptions<SandboxOptions> options,
    IOptions<AccessOptions> access,
    IOptions<PortalAwsOptions> aws,
    TimeProvider time,
    ILogger<SandboxSeeder> logger) : ISandboxSeeder
{
    internal const string Prefix = "sessionmanager/";
    internal static readonly string[] InstanceNames = ["bastion", "app-server-1", "db-server-1"];

    public Task<SandboxSeedResult> SeedAsync(CancellationToken cancellationToken = default) =>
        AwsSdkCall.RunAsync("sandbox", "Seed", async () =>
        {
            var (instanceIds, instancesCreated) = await EnsureInstancesAsync(cancellationToken);
            var usersCreated = await EnsureUsersAsync(cancellationToken);
            var boundaryCreated = await EnsureBoundaryAsync(instanceIds[0], cancellationToken);
            var bucketCreated = await EnsureBucketAsync(cancellationToken);
            await EnsureDigestKeyAsync(cancellationToken);
            var (uploaded, transcripts) = await EnsureTranscriptsAsync(instanceIds, cancellationToken);
            await EnsureSessionsAsync(instanceIds[0], transcripts, cancellationToken);
            await EnsureAnnotationsAsync(transcripts, cancellationToken);
            LogSeeded(logger, instancesCreated, usersCreated, uploaded, options.Value.LogBucket);
            return new SandboxSeedResult(instancesCreated, usersCreated, boundaryCreated, bucketCreated, uploaded);
        });

    /// <summary>The bastion first, then the other instances; ids are looked up by their Name tag.</summary>
    private async Task<(IReadOnlyList<string> Ids, int Created)> EnsureInstancesAsync(CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:Name", [.. InstanceNames]), new Filter("instance-state-name", ["pending", "running", "stopping", "stopped"])],
        };
        do
        {
            var page = await ec2.DescribeInstancesAsync(request, cancellationToken);
            foreach (var instance in (page.Reservations ?? []).SelectMany(r => r.Instances ?? []))
            {
                var name = instance.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value;
                if (name is not null)
                {
                    existing.TryAdd(name, instance.InstanceId);
                }
            }

            request.NextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        var created = 0;
        string? imageId = null;
        foreach (var name in InstanceNames.Where(n => !existing.ContainsKey(n)))
        {
            imageId ??= await FindImageAsync(cancellationToken);
            var run = await ec2.RunInstancesAsync(
                new RunInstancesRequest
                {
                    ImageId = imageId,
                    MinCount = 1,
                    MaxCount = 1,
                    InstanceType = InstanceType.T3Micro,
                    TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", name), new Tag("portal:sandbox", "true")] }],
                },
                cancellationToken);
            existing[name] = run.Reservation.Instances[0].InstanceId;
            created++;
        }

        return ([.. InstanceNames.Select(n => existing[n])], created);
    }

    private async Task<string> FindImageAsync(CancellationToken cancellationToken)
    {
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] }, cancellationToken);
        return images.Images?.OrderBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault(i => i.Name?.Contains("amzn2", StringComparison.Ordinal) == true)?.ImageId
            ?? images.Images?.FirstOrDefault()?.ImageId
            ?? throw new AwsApiException("ec2", "DescribeImages", "NoImage", "The sandbox offers no Amazon machine image to start instances from.");
    }

    private async Task<int> EnsureUsersAsync(CancellationToken cancellationToken)
    {
        var existing = (await iam.ListUsersAsync(cancellationToken)).Select(u => u.UserName).ToHashSet(StringComparer.Ordinal);
        var created = 0;
        foreach (var person in SandboxPeople.All.Where(p => !existing.Contains(p.Name)))
        {
            await iam.CreateUserAsync(person.Name, [new("portal:email", $"{person.Name}@example.com")], cancellationToken);
            created++;
        }

        return created;
    }

    /// <summary>
    /// The bastion users' permissions boundary, as the wizard would create it for the sandbox's bastion, on every
    /// sandbox person: the portal grants only to users that carry it (ADR 0015).
    /// </summary>
    private async Task<bool> EnsureBoundaryAsync(string bastion, CancellationToken cancellationToken)
    {
        var region = aws.Value.Region;
        var account = SessionOwner.Account((await iam.GetUserAsync(SandboxPeople.All[0].Name, cancellationToken))!.Arn) ?? "123456789012";
        var partition = AwsPartition.Of(region);
        var arn = IamNames.PolicyArn(partition, account, access.Value.PermissionsBoundary);
        var created = false;
        if (await iam.GetPolicyAsync(arn, cancellationToken) is null)
        {
            await iam.CreatePolicyAsync(access.Value.PermissionsBoundary, GrantPolicy.Boundary(partition, region, account, [bastion]).ToJson(), "The sandbox's bastion users' permissions boundary", cancellationToken);
            created = true;
        }

        foreach (var person in SandboxPeople.All)
        {
            if (await iam.GetUserAsync(person.Name, cancellationToken) is { } user && user.PermissionsBoundaryArn != arn)
            {
                await iam.PutUserPermissionsBoundaryAsync(person.Name, arn, cancellationToken);
            }
        }

        return created;
    }

    private async Task<bool> EnsureBucketAsync(CancellationToken cancellationToken)
    {
        var bucket = options.Value.LogBucket;
        var buckets = await s3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken);
        if (buckets.Buckets?.Any(b => b.BucketName == bucket) == true)
        {
            return false;
        }

        var region = aws.Value.Region;
        await s3.PutBucketAsync(
            new PutBucketRequest
            {
                BucketName = bucket,
                // us-east-1 is the one region that takes no location constraint.
                PutBucketConfiguration = region == "us-east-1" ? null : new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(region) },
            },
            cancellationToken);
        await s3.PutBucketEncryptionAsync(
            new PutBucketEncryptionRequest
            {
                BucketName = bucket,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = [new ServerSideEncryptionRule { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } }],
                },
            },
            cancellationToken);
        // As the setup wizard leaves it: versions kept, so the portal reads the first version of every transcript.
        await s3.PutBucketVersioningAsync(
            new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } },
            cancellationToken);
        await s3.PutPublicAccessBlockAsync(
            new PutPublicAccessBlockRequest
            {
                BucketName = bucket,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
            },
            cancellationToken);
        return true;
    }

    /// <summary>The digest signing key, as the setup wizard leaves it: an RSA signing key under the default alias.</summary>
    private async Task EnsureDigestKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = Sessions.Integrity.IntegrityOptions.DefaultKeyAlias }, cancellationToken);
        }
        catch (NotFoundException)
        {
            var key = await kms.CreateKeyAsync(
                new CreateKeyRequest { KeySpec = KeySpec.RSA_3072, KeyUsage = KeyUsageType.SIGN_VERIFY, Description = "Signs the Bastion Portal digests of session transcripts (sandbox)" },
                cancellationToken);
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = Sessions.Integrity.IntegrityOptions.DefaultKeyAlias, TargetKeyId = key.KeyMetadata.KeyId }, cancellationToken);
        }
    }

    /// <summary>
    /// Session Manager's own record of the seeded sessions: the transcripts' sessions as history (so the sessions list
    /// has durations and owners), and live sessions of dave and erin on the bastion, under the grants bob gave each of
    /// them (so the portal's sweeper, which ends sessions no grant covers, leaves them running).
    /// </summary>
    private async Task EnsureSessionsAsync(string bastion, IReadOnlyList<GeneratedTranscript> transcripts, CancellationToken cancellationToken)
    {
        if (aws.Value.EffectiveServiceUrl is not { } moto)
        {
            return;
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var person in SandboxPeople.All)
        {
            if (await iam.GetUserAsync(person.Name, cancellationToken) is { } user)
            {
                owners[person.Name] = user.Arn;
            }
        }

        if (owners.Count == 0)
        {
            return;
        }

        // Live sessions come with the grant, once: a sandbox whose moto outlived the portal keeps its own (maybe ended).
        var fresh = (await grants.ListAsync(cancellationToken: cancellationToken)).Count == 0;
        if (fresh)
        {
            foreach (var onCall in new[] { "dave", "erin" })
            {
                await requests.GrantDirectlyAsync(
                    new AccessPerson("bob", IamUserClaim: "bob"),
                    new NewGrant(Access.PrincipalType.User, onCall, bastion, 480, "Sandbox: the on-call shift"),
                    cancellationToken);
            }
        }

        var now = time.GetUtcNow();
        List<SandboxSession> sessions = [.. transcripts.Where(t => owners.ContainsKey(t.User)).Select(t => new SandboxSession(t.SessionId, owners[t.User], t.InstanceId, t.StartedAt, t.EndedAt))];
        if (fresh)
        {
            sessions.Add(new("dave-0c9a41e27f3b8d615", owners["dave"], bastion, now.AddMinutes(-7), null));
            sessions.Add(new("erin-03d2b7f9e1a6c4580", owners["erin"], bastion, now.AddMinutes(-25), null));

            // Sessions whose transcripts are not in the bucket: one lost (the instance stopped mid-session, say),
            // one port forwarding, which Session Manager never records.
            sessions.Add(new("dave-0f1e2d3c4b5a69788", owners["dave"], bastion, now.AddHours(-3), now.AddHours(-2)));
            sessions.Add(new("bob-0a9b8c7d6e5f40312", owners["bob"], bastion, now.AddHours(-6), now.AddHours(-5), "AWS-StartPortForwardingSession"));

            // Older than Session Manager's 30 days of history: only CloudTrail's event history (90 days) still tells it.
            sessions.Add(new(LongAgoSessionId, owners["dave"], bastion, now.AddDays(-45), now.AddDays(-45).AddHours(1)));
        }

        await SandboxSessions.RecordAsync(moto, SessionOwner.Account(owners["dave"]) ?? "123456789012", aws.Value.Region, sessions, cancellationToken);
    }

    private async Task<(int Uploaded, IReadOnlyList<GeneratedTranscript> Transcripts)> EnsureTranscriptsAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        var bucket = options.Value.LogBucket;
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var list = new ListObjectsV2Request { BucketName = bucket, Prefix = Prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(list, cancellationToken);
            foreach (var o in page.S3Objects ?? [])
            {
                existing.Add(o.Key);
            }

            list.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (list.ContinuationToken is not null);

        var users = SandboxPeople.All.Select(p => p.Name).ToList();
        var now = time.GetUtcNow();
        var generated = TranscriptGenerator.Generate(options.Value.TranscriptCount, users, instanceIds, now);

        // For the coverage check to show every state: one upload cut short (no footer), and one transcript that no
        // session explains (written in alice's name by someone with the bastion role).
        var cut = TranscriptGenerator.Generate(1, ["carol"], instanceIds, now, seed: 7)[0];
        var cutText = Encoding.UTF8.GetString(cut.Content);
        cut = cut with { Content = Encoding.UTF8.GetBytes(cutText[..cutText.LastIndexOf("\nScript done on", StringComparison.Ordinal)]) };
        var forged = TranscriptGenerator.Generate(1, ["alice"], instanceIds, now, seed: 11)[0];
        List<GeneratedTranscript> transcripts = [.. generated, cut];
        var uploaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var transcript in transcripts.Append(forged).Where(t => !existing.Contains(Prefix + t.SessionId + ".log")))
        {
            using var body = new MemoryStream(transcript.Content, writable: false);
            await s3.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = Prefix + transcript.SessionId + ".log",
                    InputStream = body,
                    ContentType = "text/plain",
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
                    Metadata = { ["portal-instance-id"] = transcript.InstanceId, ["portal-started-at"] = transcript.StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
                },
                cancellationToken);
            uploaded.Add(transcript.SessionId);
        }

        // Dated as the agent's uploads would be, a few seconds after each session ended (before the tampering, which
        // is a later version written now).
        if (uploaded.Count > 0 && aws.Value.EffectiveServiceUrl is { } moto)
        {
            var account = (await iam.GetUserAsync(SandboxPeople.All[0].Name, cancellationToken))?.Arn is { } arn ? SessionOwner.Account(arn) : null;
            await SandboxSessions.BackdateAsync(
                moto,
                account ?? "123456789012",
                bucket,
                transcripts.Append(forged).Where(t => uploaded.Contains(t.SessionId)).Select(t => (Prefix + t.SessionId + ".log", Min(t.EndedAt.AddSeconds(4), now))),
                cancellationToken);
        }

        // The same transcript is chosen whatever the count (the generator's first sessions do not depend on it), and
        // tampered with once, when it is first uploaded.
        if (generated.FirstOrDefault(t => Encoding.UTF8.GetString(t.Content).Contains(TamperedCommand, StringComparison.Ordinal)) is { } tampered
            && uploaded.Contains(tampered.SessionId))
        {
            await TamperAsync(bucket, tampered, cancellationToken);
        }

        return (uploaded.Count, transcripts);
    }

    /// <summary>An auditor's annotations on the tampered transcript, so the sandbox shows some: once, while it has none.</summary>
    private async Task EnsureAnnotationsAsync(IReadOnlyList<GeneratedTranscript> transcripts, CancellationToken cancellationToken)
    {
        if (transcripts.FirstOrDefault(t => Encoding.UTF8.GetString(t.Content).Contains(TamperedCommand, StringComparison.Ordinal)) is not { } tampered
            || (await annotations.HistoryAsync(tampered.SessionId, cancellationToken)).Count > 0)
        {
            return;
        }

        var document = TranscriptRender.Render(tampered.Content, columns: null).Document;
        var line = Enumerable.Range(0, document.LineCount).FirstOrDefault(i => document.LineText(i).Contains(TamperedCommand, StringComparison.Ordinal), -1);
        const string auditor = "carol";
        await annotations.AddAsync(auditor, tampered.SessionId, new NewAnnotation(AnnotationKind.Tag, "needs-review"), cancellationToken);
        if (line >= 0)
        {
            await annotations.AddAsync(auditor, tampered.SessionId, new NewAnnotation(AnnotationKind.Bookmark, "sudo: missing from the later version", line + 1, document.LineText(line)), cancellationToken);
        }

        await annotations.AddAsync(auditor, tampered.SessionId, new NewAnnotation(AnnotationKind.Comment, "Written again after the session ended, without its sudo lines. Asked the owner why; compare the versions."), cancellationToken);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>A session 45 days old whose transcript is missing, which only CloudTrail remembers.</summary>
    internal const string LongAgoSessionId = "dave-01a2b3c4d5e6f7081";

    /// <summary>What the sandbox's tampered transcript loses: every line with it.</summary>
    internal const string TamperedCommand = "sudo";

    /// <summary>
    /// What a grantee with the bastion role's credentials can do: write the transcript again without the lines that
    /// give them away. The portal keeps showing the first version and marks the session modified.
    /// </summary>
    private async Task TamperAsync(string bucket, GeneratedTranscript transcript, CancellationToken cancellationToken)
    {
        var lines = Encoding.UTF8.GetString(transcript.Content).Split('\n');
        var cleaned = string.Join('\n', lines.Where(line => !line.Contains(TamperedCommand, StringComparison.Ordinal)));
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(cleaned), writable: false);
        await s3.PutObjectAsync(
            new PutObjectRequest { BucketName = bucket, Key = Prefix + transcript.SessionId + ".log", InputStream = body, ContentType = "text/plain", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 },
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox seeded: {Instances} instance(s), {Users} user(s), {Transcripts} transcript(s) created in {Bucket}")]
    private static partial void LogSeeded(ILogger logger, int instances, int users, int transcripts, string bucket);
}

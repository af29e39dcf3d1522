using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.S3.Model;
using Amazon.S3;
using Portal.Core.Aws;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 2: the log bucket, created or adopted: default encryption (SSE-S3, or SSE-KMS with the chosen key), all
/// four public-access blocks, a policy statement denying requests without TLS (merged into any policy the bucket
/// has), and optionally versioning and a retention rule for the transcripts.
/// </summary>
internal sealed class LogBucketStep(IAmazonS3 s3) : ISetupStep
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The lifecycle rule the wizard owns; other rules on the bucket are kept.</summary>
    internal const string RetentionRuleId = "portal-transcript-retention";

    /// <summary>The lifecycle rule for the logs of the trail the wizard makes.</summary>
    internal const string TrailRetentionRuleId = "portal-trail-log-retention";

    /// <summary>Where CloudTrail writes in the bucket.</summary>
    internal const string TrailLogsPrefix = "AWSLogs/";

    /// <summary>Days after which the retention rule removes the parts of a multipart upload that never completed.</summary>
    internal const int AbortUploadsAfterDays = 7;

    public string Name => "logBucket";

    public Phrase Title { get; } = new Phrase("Log bucket");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings;
        var bucket = settings.BucketName;
        var region = context.Documents.Region;
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);

        var location = await LocationAsync(bucket, cancellationToken);
        var exists = location is not null;
        if (!exists)
        {
            current.Add(new Phrase("No bucket named {0}.", bucket));
            var constraint = region == "us-east-1" ? string.Empty : $" --create-bucket-configuration LocationConstraint={region}";
            changes.Add(new(
                new(new Phrase("Create the bucket {0} in {1}.", bucket, region), $"aws s3api create-bucket --bucket {bucket} --region {region}{constraint}"),
                ct => Run("CreateBucket", () => s3.PutBucketAsync(
                    new PutBucketRequest
                    {
                        BucketName = bucket,
                        PutBucketConfiguration = region == "us-east-1" ? null : new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(region) },
                    },
                    ct))));
        }
        else
        {
            // Some endpoints answer GetBucketLocation for any bucket; the wizard adopts only this account's own.
            if (!await OwnedAsync(bucket, cancellationToken))
            {
                throw new AwsApiException("s3", "ListBuckets", "BucketOwnedByAnotherAccount", $"The bucket {bucket} exists but is not one of this account's buckets. Bucket names are global: choose another.");
            }

            var inRegion = string.IsNullOrEmpty(location) ? "us-east-1" : location;
            current.Add(new Phrase("The bucket {0} exists in {1}.", bucket, inRegion));
            if (inRegion != region)
            {
                current.Add(new Phrase("It is in {0}, not {1}: Session Manager writes to it across regions, which works but costs transfer.", inRegion, region));
            }
        }

        // Encryption.
        var encryption = exists ? await EncryptionAsync(bucket, cancellationToken) : null;
        var wantKms = settings.Encryption == BucketEncryption.SseKms;
        var encrypted = encryption is { } rule
            && (wantKms
                ? rule.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm == ServerSideEncryptionMethod.AWSKMS && rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId == settings.KmsKeyArn
                : rule.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm == ServerSideEncryptionMethod.AES256);
        if (exists)
        {
            current.Add(encryption?.ServerSideEncryptionByDefault switch
            {
                null => new Phrase("No default encryption."),
                { ServerSideEncryptionKeyManagementServiceKeyId: { Length: > 0 } key } by => new Phrase("Default encryption: {0} with {1}.", by.ServerSideEncryptionAlgorithm?.Value, key),
                var by => new Phrase("Default encryption: {0}.", by.ServerSideEncryptionAlgorithm?.Value),
            });
        }

        if (!encrypted)
        {
            documents["bucket-encryption.json"] = JsonSerializer.Serialize(
                new
                {
                    Rules = new[]
                    {
                        new
                        {
                            ApplyServerSideEncryptionByDefault = new { SSEAlgorithm = wantKms ? "aws:kms" : "AES256", KMSMasterKeyID = wantKms ? settings.KmsKeyArn : null },
                            BucketKeyEnabled = wantKms ? true : (bool?)null,
                        },
                    },
                },
                Indented);
            changes.Add(new(
                new(
                    wantKms ? new Phrase("Encrypt new objects with SSE-KMS ({0}), with an S3 bucket key.", settings.KmsKeyArn) : new Phrase("Encrypt new objects with SSE-S3 (AES-256)."),
                    $"aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration file://bucket-encryption.json"),
                ct => Run("PutBucketEncryption", () => s3.PutBucketEncryptionAsync(
                    new PutBucketEncryptionRequest
                    {
                        BucketName = bucket,
                        ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                        {
                            ServerSideEncryptionRules =
                            [
                                new ServerSideEncryptionRule
                                {
                                    ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                                    {
                                        ServerSideEncryptionAlgorithm = wantKms ? ServerSideEncryptionMethod.AWSKMS : ServerSideEncryptionMethod.AES256,
                                        ServerSideEncryptionKeyManagementServiceKeyId = wantKms ? settings.KmsKeyArn : null,
                                    },
                                    BucketKeyEnabled = wantKms ? true : null,
                                },
                            ],
                        },
                    },
                    ct))));
        }

        // Public access block: all four.
        var block = exists ? await PublicAccessBlockAsync(bucket, cancellationToken) : null;
        if (exists)
        {
            current.Add(block is null ? new Phrase("No public access block.") : new Phrase("Public access block: BlockPublicAcls={0}, IgnorePublicAcls={1}, BlockPublicPolicy={2}, RestrictPublicBuckets={3}.", block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets));
        }

        if (block is not { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
        {
            changes.Add(new(
                new(new Phrase("Block all public access (the four settings)."), $"aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"),
                ct => Run("PutPublicAccessBlock", () => s3.PutPublicAccessBlockAsync(
                    new PutPublicAccessBlockRequest
                    {
                        BucketName = bucket,
                        PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
                    },
                    ct))));
        }

        // Bucket policy: the TLS statement merged into whatever is there.
        // Bucket policy: the wizard's statements (no access without TLS; CloudTrail's, when it creates a trail)
        // merged into whatever is there.
        var policy = exists ? await PolicyAsync(bucket, cancellationToken) : null;
        var statements = context.Documents.BucketStatements;
        var merged = statements.Aggregate(policy, SetupDocuments.Merge)!;
        documents["bucket-policy.json"] = merged;
        var missing = statements.Where(st => !SetupDocuments.Contains(policy, st)).Select(st => st.Sid).ToList();
        if (exists)
        {
            current.Add(policy is null ? new Phrase("No bucket policy.")
                : missing.Count == 0 ? new Phrase("The bucket policy denies requests without TLS.")
                : new Phrase("A bucket policy without the wizard's statements {0}.", string.Join(", ", missing)));
        }

        if (missing.Count > 0)
        {
            changes.Add(new(
                new(
                    policy is null ? new Phrase("Set a bucket policy that denies requests without TLS.") : new Phrase("Add the wizard's statements to the bucket policy (no access without TLS), keeping its other statements."),
                    $"aws s3api put-bucket-policy --bucket {bucket} --policy file://bucket-policy.json"),
                ct => Run("PutBucketPolicy", () => s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = merged }, ct))));
        }

        // Versioning, when chosen (turning it off is never done for the Admin).
        if (settings.Versioning)
        {
            var status = exists ? await VersioningAsync(bucket, cancellationToken) : null;
            if (exists)
            {
                current.Add(status is null ? new Phrase("Versioning: never enabled.") : new Phrase("Versioning: {0}.", status));
            }

            if (status != VersionStatus.Enabled.Value)
            {
                changes.Add(new(
                    new(new Phrase("Turn versioning on."), $"aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled"),
                    ct => Run("PutBucketVersioning", () => s3.PutBucketVersioningAsync(
                        new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } },
                        ct))));
            }
        }

        // Retention: the wizard's lifecycle rules (transcripts; and the trail's logs when it makes the trail, which
        // would otherwise be kept for ever beside them), the bucket's other rules kept.
        if (settings.RetentionDays is { } days)
        {
            var rules = exists ? await LifecycleAsync(bucket, cancellationToken) : [];
            var transcripts = rules.FirstOrDefault(r => r.Id == RetentionRuleId);
            if (exists)
            {
                current.Add(transcripts?.Expiration?.Days is { } kept ? new Phrase("Transcripts expire after {0} days.", kept) : new Phrase("Transcripts are kept for ever."));
            }

            List<LifecycleRule> wanted = [Retention(RetentionRuleId, $"{SetupSettings.KeyPrefix}/", days, settings.Versioning)];
            if (settings.CreateTrailIfMissing)
            {
                wanted.Add(Retention(TrailRetentionRuleId, TrailLogsPrefix, days, settings.Versioning));
            }

            if (!wanted.All(w => rules.Any(r => Same(r, w))))
            {
                var all = rules.Where(r => wanted.All(w => w.Id != r.Id)).Concat(wanted).ToList();
                var others = all.Count - wanted.Count;
                documents["lifecycle.json"] = LifecycleJson(all);
                var expire = settings.CreateTrailIfMissing
                    ? new Phrase("Expire transcripts under {0}/ and the trail's logs under {1} after {2} days, and uploads left incomplete after {3} days", SetupSettings.KeyPrefix, TrailLogsPrefix, days, AbortUploadsAfterDays)
                    : new Phrase("Expire transcripts under {0}/ after {1} days, and uploads left incomplete after {2} days", SetupSettings.KeyPrefix, days, AbortUploadsAfterDays);
                changes.Add(new(
                    new(
                        others == 0 ? new Phrase("{0}.", expire) : new Phrase("{0}, keeping the bucket's {1} other lifecycle rule(s) (apply keeps them whole; lifecycle.json shows only their ids, prefixes and expirations, so check it before running the command by hand).", expire, others),
                        $"aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration file://lifecycle.json"),
                    ct => Run("PutBucketLifecycleConfiguration", () => s3.PutLifecycleConfigurationAsync(
                        new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = all } },
                        ct))));
            }
        }

        return new StepInspection(exists, current, changes, documents);
    }

    /// <summary>
    /// A retention rule of the wizard's: objects under the prefix expire, older versions as long after, and the parts of
    /// a multipart upload that never completed (the agent uploads large transcripts in parts) go after a week.
    /// </summary>
    private static LifecycleRule Retention(string id, string prefix, int days, bool versioning) => new()
    {
        Id = id,
        Status = LifecycleRuleStatus.Enabled,
        Filter = new LifecycleFilter { Prefix = prefix },
        Expiration = new LifecycleRuleExpiration { Days = days },
        NoncurrentVersionExpiration = versioning ? new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = days } : null,
        AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = AbortUploadsAfterDays },
    };

    /// <summary>Whether an existing rule is the wanted one in every way the wizard sets.</summary>
    private static bool Same(LifecycleRule found, LifecycleRule wanted) =>
        found.Id == wanted.Id
        && found.Status?.Value == "Enabled"
        && found.Expiration?.Days == wanted.Expiration!.Days
        && PrefixOf(found) == PrefixOf(wanted)
        && found.AbortIncompleteMultipartUpload?.DaysAfterInitiation == wanted.AbortIncompleteMultipartUpload!.DaysAfterInitiation
        && found.NoncurrentVersionExpiration?.NoncurrentDays == wanted.NoncurrentVersionExpiration?.NoncurrentDays;

    /// <summary>The lifecycle configuration as the CLI takes it; other rules appear by id, prefix and expirations only.</summary>
    private static string LifecycleJson(IEnumerable<LifecycleRule> rules) => JsonSerializer.Serialize(
        new
        {
            Rules = rules.Select(r => new
            {
                ID = r.Id,
                Status = r.Status?.Value,
                Filter = new { Prefix = PrefixOf(r) ?? string.Empty },
                Expiration = r.Expiration?.Days is { } days ? new { Days = days } : null,
                NoncurrentVersionExpiration = r.NoncurrentVersionExpiration?.NoncurrentDays is { } noncurrent ? new { NoncurrentDays = noncurrent } : null,
                AbortIncompleteMultipartUpload = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation is { } abort ? new { DaysAfterInitiation = abort } : null,
            }),
        },
        Indented);

    /// <summary>The prefix a rule applies to, wherever the response put it (the filter or its predicate).</summary>
    private static string? PrefixOf(LifecycleRule rule) =>
        rule.Filter?.Prefix ?? (rule.Filter?.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix;

    /// <summary>The bucket's region ("" for us-east-1), or <see langword="null"/> when there is no such bucket.</summary>
    private Task<string?> LocationAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "s3",
            "GetBucketLocation",
            async () =>
            {
                try
                {
                    var location = await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancellationToken);
                    // Buckets made in eu-west-1 long ago answer with the legacy name "EU".
                    return location.Location?.Value is "EU" ? "eu-west-1" : location.Location?.Value ?? string.Empty;
                }
                catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            $"The bucket {bucket} exists but belongs to another account, or the portal may not read it (s3:GetBucketLocation). Bucket names are global: choose another.");

    /// <summary>True when the bucket is among this account's own (ListBuckets narrowed to its name).</summary>
    private Task<bool> OwnedAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "s3",
            "ListBuckets",
            async () =>
            {
                var request = new ListBucketsRequest { Prefix = bucket };
                do
                {
                    var page = await s3.ListBucketsAsync(request, cancellationToken);
                    if (page.Buckets?.Any(b => b.BucketName == bucket) == true)
                    {
                        return true;
                    }

                    request.ContinuationToken = page.ContinuationToken;
                }
                while (!string.IsNullOrEmpty(request.ContinuationToken));

                return false;
            },
            "The portal may not list the account's buckets (s3:ListAllMyBuckets), so it cannot tell whether the bucket is this account's.");

    private Task<ServerSideEncryptionRule?> EncryptionAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync("s3", "GetBucketEncryption", async () =>
        {
            try
            {
                var response = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }, cancellationToken);
                return response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault();
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "ServerSideEncryptionConfigurationNotFoundError")
            {
                return null;
            }
        });

    private Task<PublicAccessBlockConfiguration?> PublicAccessBlockAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync("s3", "GetPublicAccessBlock", async () =>
        {
            try
            {
                return (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }, cancellationToken)).PublicAccessBlockConfiguration;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
            {
                return null;
            }
        });

    private Task<string?> PolicyAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync("s3", "GetBucketPolicy", async () =>
        {
            try
            {
                var response = await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }, cancellationToken);
                var policy = response.Policy;

                // The SDK hands the body back as the policy, even when S3 answers 404 with an XML error.
                if (response.HttpStatusCode == HttpStatusCode.NotFound || policy?.TrimStart().StartsWith('<') == true)
                {
                    var code = policy is null ? null : System.Text.RegularExpressions.Regex.Match(policy, "<Code>([^<]{1,64})</Code>", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)).Groups[1].Value;
                    return code is "NoSuchBucketPolicy" or null or ""
                        ? null
                        : throw new AwsApiException("s3", "GetBucketPolicy", code, $"S3 answered {code} for the policy of {bucket}.", response.HttpStatusCode);
                }

                return string.IsNullOrWhiteSpace(policy) ? null : policy;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucketPolicy")
            {
                return null;
            }
        });

    private Task<string?> VersioningAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync("s3", "GetBucketVersioning", async () =>
            (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, cancellationToken)).VersioningConfig?.Status?.Value);

    private Task<List<LifecycleRule>> LifecycleAsync(string bucket, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync("s3", "GetBucketLifecycleConfiguration", async () =>
        {
            try
            {
                return (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, cancellationToken)).Configuration?.Rules ?? [];
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchLifecycleConfiguration")
            {
                return [];
            }
        });

    private static Task<T> Run<T>(string operation, Func<Task<T>> call) => AwsSdkCall.RunAsync("s3", operation, call);
}

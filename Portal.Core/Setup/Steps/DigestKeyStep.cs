using Amazon.KeyManagementService.Model;
using Amazon.KeyManagementService;
using Portal.Core.Aws;
using Portal.Core.Sessions.Integrity;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 8: the asymmetric KMS key that signs the portal's digests of the log bucket (RSA 3072, SIGN_VERIFY), found by
/// its alias: created with a key policy that keeps the account's administration and lets nobody but the portal sign;
/// adopted when the alias exists (an RSA signing key, enabled), its key policy given that statement, the rest kept.
/// </summary>
internal sealed class DigestKeyStep(IAmazonKeyManagementService kms) : ISetupStep
{
    /// <summary>The key's size: RSA 3072 signs with RSASSA_PSS_SHA_256 and is what NIST asks for beyond 2030.</summary>
    internal const string KeySpecName = "RSA_3072";

    public string Name => "digestKey";

    public Phrase Title { get; } = new Phrase("Digest signing key");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var alias = settings.DigestKeyAlias;
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);

        var key = await DescribeAsync(alias, cancellationToken);
        if (key is null)
        {
            var policy = documents.DigestKeyPolicy.ToJson();
            files["digest-key-policy.json"] = policy;
            current.Add(new Phrase("No key has the alias {0}.", alias));
            string? created = null;
            changes.Add(new(
                new(
                    new Phrase("Create an RSA 3072 signing key for the digests, which only the portal may sign with."),
                    $"DIGEST_KEY_ID=$(aws kms create-key --key-spec {KeySpecName} --key-usage SIGN_VERIFY --description 'Signs the Bastion Portal digests of session transcripts' --policy file://digest-key-policy.json --tags TagKey=managed-by,TagValue=bastion-portal --query KeyMetadata.KeyId --output text)"),
                async ct => created = await Run("CreateKey", async () => (await kms.CreateKeyAsync(
                    new CreateKeyRequest
                    {
                        KeySpec = KeySpec.FindValue(KeySpecName),
                        KeyUsage = KeyUsageType.SIGN_VERIFY,
                        Description = "Signs the Bastion Portal digests of session transcripts",
                        Policy = policy,
                        Tags = [new Tag { TagKey = "managed-by", TagValue = "bastion-portal" }],
                    },
                    ct)).KeyMetadata.KeyId)));
            changes.Add(new(
                new(new Phrase("Name it {0}.", alias), $"aws kms create-alias --alias-name {alias} --target-key-id \"$DIGEST_KEY_ID\""),
                ct => Run("CreateAlias", () => kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = created }, ct))));
            return new StepInspection(false, current, changes, files);
        }

        current.Add(new Phrase("{0} names {1} ({2}, {3}, {4}).", alias, key.Arn, key.KeySpec?.Value, key.KeyUsage?.Value, key.KeyState?.Value));
        if (key.KeyUsage != KeyUsageType.SIGN_VERIFY || key.SigningAlgorithms?.Contains(DigestFile.Algorithm) != true)
        {
            throw new AwsApiException("kms", "DescribeKey", "UnusableKey", $"{alias} names a {key.KeySpec?.Value} key for {key.KeyUsage?.Value}; digests need an RSA key for SIGN_VERIFY. Choose another alias, or point this one at such a key.");
        }

        if (key.KeyState != KeyState.Enabled)
        {
            throw new AwsApiException("kms", "DescribeKey", "KeyNotEnabled", $"The key {key.Arn} is {key.KeyState?.Value}: enable it (or cancel its deletion) before the portal can sign with it.");
        }

        // The portal alone signs: the statement is merged into the key's policy, every other statement kept.
        var existing = await Run("GetKeyPolicy", async () => (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" }, cancellationToken)).Policy);
        var statement = documents.DigestSignerOnly;
        if (SetupDocuments.Contains(existing, statement))
        {
            current.Add(new Phrase("Its key policy lets only the portal sign."));
        }
        else
        {
            var merged = SetupDocuments.Merge(existing, statement);
            files["digest-key-policy.json"] = merged;
            current.Add(new Phrase("Its key policy does not keep others from signing."));
            changes.Add(new(
                new(new Phrase("Add a statement to the key policy so that only the portal signs with it, keeping its other statements."), $"aws kms put-key-policy --key-id {key.Arn} --policy-name default --policy file://digest-key-policy.json"),
                ct => Run("PutKeyPolicy", () => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default", Policy = merged }, ct))));
        }

        return new StepInspection(true, current, changes, files);
    }

    private async Task<KeyMetadata?> DescribeAsync(string alias, CancellationToken cancellationToken)
    {
        try
        {
            return (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }, cancellationToken)).KeyMetadata;
        }
        catch (NotFoundException)
        {
            return null;
        }
        catch (AmazonKeyManagementServiceException ex)
        {
            throw AwsApiException.FromSdk("kms", "DescribeKey", ex);
        }
    }

    private static Task<T> Run<T>(string operation, Func<Task<T>> call) => AwsSdkCall.RunAsync("kms", operation, call);
}

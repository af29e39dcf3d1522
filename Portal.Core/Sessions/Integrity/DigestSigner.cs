using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Portal.Core.Aws;

namespace Portal.Core.Sessions.Integrity;

/// <summary>A signing key as KMS describes it.</summary>
/// <param name="Arn">The key's ARN (an alias resolved).</param>
/// <param name="Usable">Why the key cannot sign digests, or <see langword="null"/> when it can.</param>
internal sealed record DigestKey(string Arn, string? Usable);

/// <summary>Signs digests with KMS and hands out the public keys that verify them.</summary>
internal interface IDigestSigner
{
    /// <summary>Resolves a key id or alias to the key's ARN and checks it is an enabled RSA signing key with PSS.</summary>
    /// <exception cref="AwsApiException">KMS refused, or the key does not exist (<c>NotFoundException</c>).</exception>
    Task<DigestKey> DescribeAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Signs a SHA-256 (KMS Sign, MessageType DIGEST, RSASSA_PSS_SHA_256).</summary>
    Task<byte[]> SignAsync(string keyArn, byte[] sha256, CancellationToken cancellationToken);

    /// <summary>The key's public half (KMS GetPublicKey; kept, as it never changes).</summary>
    Task<RSA> PublicKeyAsync(string keyArn, CancellationToken cancellationToken);
}

internal sealed class KmsDigestSigner(IAmazonKeyManagementService kms) : IDigestSigner
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RSA>>> _publicKeys = new(StringComparer.Ordinal);

    public Task<DigestKey> DescribeAsync(string keyId, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "kms",
            "DescribeKey",
            async () =>
            {
                var key = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken)).KeyMetadata;
                string? problem = key.KeyState != KeyState.Enabled ? $"The key {key.Arn} is {key.KeyState?.Value}, not Enabled."
                    : key.KeyUsage != KeyUsageType.SIGN_VERIFY ? $"The key {key.Arn} is for {key.KeyUsage?.Value}, not SIGN_VERIFY."
                    : key.SigningAlgorithms?.Contains(DigestFile.Algorithm) != true ? $"The key {key.Arn} ({key.KeySpec?.Value}) cannot sign with {DigestFile.Algorithm}: it must be an RSA key."
                    : null;
                return new DigestKey(key.Arn, problem);
            },
            $"The portal may not describe the digest key {keyId}: its role needs kms:DescribeKey on it.");

    public Task<byte[]> SignAsync(string keyArn, byte[] sha256, CancellationToken cancellationToken) =>
        AwsSdkCall.RunAsync(
            "kms",
            "Sign",
            async () =>
            {
                using var message = new MemoryStream(sha256, writable: false);
                var response = await kms.SignAsync(
                    new SignRequest { KeyId = keyArn, Message = message, MessageType = MessageType.DIGEST, SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 },
                    cancellationToken);
                return response.Signature.ToArray();
            },
            $"The portal may not sign with {keyArn}: the key policy must allow its role kms:Sign (the setup wizard adds that statement).");

    public Task<RSA> PublicKeyAsync(string keyArn, CancellationToken cancellationToken)
    {
        var entry = _publicKeys.GetOrAdd(keyArn, arn => new Lazy<Task<RSA>>(() => ReadPublicKeyAsync(arn)));
        var task = entry.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            _publicKeys.TryRemove(new(keyArn, entry));
        }

        return task.WaitAsync(cancellationToken);
    }

    private Task<RSA> ReadPublicKeyAsync(string keyArn) =>
        AwsSdkCall.RunAsync(
            "kms",
            "GetPublicKey",
            async () =>
            {
                var response = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyArn }, CancellationToken.None);
                var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(response.PublicKey.ToArray(), out _);
                return rsa;
            },
            $"The portal may not read the public key of {keyArn}: its role needs kms:GetPublicKey on it.");
}

using System.Xml.Linq;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Persistence.KeyRing;

/// <summary>
/// Encrypts each key of the ring with a KMS key before it is stored. The plaintext is the key's XML (well under KMS's
/// 4 KB limit for direct encryption); the encryption context names its purpose, so a ciphertext made for anything
/// else does not decrypt here, and every use of the key is in CloudTrail.
/// </summary>
internal sealed class KmsXmlEncryptor(IAmazonKeyManagementService kms, string keyId) : IXmlEncryptor
{
    internal static readonly Dictionary<string, string> Context = new(StringComparer.Ordinal) { ["purpose"] = "bastion-portal-key-ring" };

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        EncryptResponse response;
        try
        {
            // The interface is synchronous; a key is written once every 90 days or so.
            response = kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext), EncryptionContext = Context }).GetAwaiter().GetResult();
        }
        catch (AmazonKeyManagementServiceException ex)
        {
            throw AwsApiException.FromSdk("kms", "Encrypt", ex);
        }
        finally
        {
            Array.Clear(plaintext);
        }

        var element = new XElement(
            "kmsEncryptedKey",
            new XAttribute("keyId", response.KeyId),
            Convert.ToBase64String(response.CiphertextBlob.ToArray()));
        return new EncryptedXmlInfo(element, typeof(KmsXmlDecryptor));
    }
}

/// <summary>Decrypts a key written by <see cref="KmsXmlEncryptor"/>; ASP.NET Core makes it through its service provider.</summary>
internal sealed class KmsXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var kms = services.GetRequiredService<IAmazonKeyManagementService>();
        var keyId = (string?)encryptedElement.Attribute("keyId") ?? services.GetRequiredService<IOptions<KeyRingOptions>>().Value.KmsKeyId;
        DecryptResponse response;
        try
        {
            response = kms.DecryptAsync(new DecryptRequest
            {
                KeyId = keyId,
                CiphertextBlob = new MemoryStream(Convert.FromBase64String(encryptedElement.Value)),
                EncryptionContext = KmsXmlEncryptor.Context,
            }).GetAwaiter().GetResult();
        }
        catch (AmazonKeyManagementServiceException ex)
        {
            throw AwsApiException.FromSdk("kms", "Decrypt", ex);
        }

        var plaintext = response.Plaintext.ToArray();
        try
        {
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }
}

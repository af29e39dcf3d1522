using System.Numerics;
using System.Security.Cryptography;
using Portal.Core.Sessions.Integrity;

namespace Portal.Tests.Core.Sessions.Integrity;

public sealed class PssSignatureTests
{
    private static readonly RSA Key = RSA.Create(3072);
    private static readonly byte[] Hash = SHA256.HashData("{\"version\":1}"u8);

    [Fact]
    public void VerifySha256_AcceptsKmsSaltLength_AsDotnetSigns()
    {
        var signature = Key.SignHash(Hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.True(PssSignature.VerifySha256(Key.ExportParameters(false), Hash, signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)] // the longest salt that fits, as moto and OpenSSL's "max" sign
    public void VerifySha256_AcceptsAnySaltLength(int saltLength)
    {
        var parameters = Key.ExportParameters(true);
        var signature = SignPss(parameters, Hash, saltLength);

        Assert.True(PssSignature.VerifySha256(Key.ExportParameters(false), Hash, signature));
    }

    [Fact]
    public void VerifySha256_RefusesAnotherHash_AnotherKey_AndAChangedSignature()
    {
        var signature = Key.SignHash(Hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var changed = (byte[])signature.Clone();
        changed[10] ^= 1;
        using var other = RSA.Create(3072);

        Assert.False(PssSignature.VerifySha256(Key.ExportParameters(false), SHA256.HashData("other"u8), signature));
        Assert.False(PssSignature.VerifySha256(other.ExportParameters(false), Hash, signature));
        Assert.False(PssSignature.VerifySha256(Key.ExportParameters(false), Hash, changed));
        Assert.False(PssSignature.VerifySha256(Key.ExportParameters(false), Hash, signature.AsSpan(1)));
        Assert.False(PssSignature.VerifySha256(Key.ExportParameters(false), Hash, Key.SignHash(Hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    /// <summary>EMSA-PSS-ENCODE (RFC 8017, 9.1.1) with a chosen salt length, then RSASP1: what .NET does not offer.</summary>
    private static byte[] SignPss(RSAParameters key, byte[] mHash, int saltLength)
    {
        var n = new BigInteger(key.Modulus, isUnsigned: true, isBigEndian: true);
        var emBits = (int)n.GetBitLength() - 1;
        var emLength = (emBits + 7) / 8;
        saltLength = saltLength < 0 ? emLength - 32 - 2 : saltLength;
        var salt = RandomNumberGenerator.GetBytes(saltLength);
        var prime = new byte[8 + 32 + saltLength];
        mHash.CopyTo(prime, 8);
        salt.CopyTo(prime, 40);
        var h = SHA256.HashData(prime);
        var db = new byte[emLength - 32 - 1];
        db[db.Length - saltLength - 1] = 0x01;
        salt.CopyTo(db, db.Length - saltLength);
        var mask = new byte[db.Length];
        for (uint counter = 0, offset = 0; offset < mask.Length; counter++, offset += 32)
        {
            var block = h.Concat(BitConverter.IsLittleEndian ? BitConverter.GetBytes(counter).Reverse() : BitConverter.GetBytes(counter)).ToArray();
            var hash = SHA256.HashData(block);
            Array.Copy(hash, 0, mask, offset, Math.Min(32, mask.Length - (int)offset));
        }

        for (var i = 0; i < db.Length; i++)
        {
            db[i] ^= mask[i];
        }

        db[0] &= (byte)(0xFF >> ((8 * emLength) - emBits));
        var em = db.Concat(h).Append((byte)0xbc).ToArray();
        var d = new BigInteger(key.D, isUnsigned: true, isBigEndian: true);
        var s = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), d, n).ToByteArray(isUnsigned: true, isBigEndian: true);
        var signature = new byte[key.Modulus!.Length];
        s.CopyTo(signature, signature.Length - s.Length);
        return signature;
    }
}

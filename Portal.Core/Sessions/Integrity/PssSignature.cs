using System.Numerics;
using System.Security.Cryptography;

namespace Portal.Core.Sessions.Integrity;

/// <summary>
/// RSASSA-PSS verification with SHA-256 and MGF1-SHA-256 that takes any salt length (RFC 8017, 9.1.2), as
/// <c>openssl dgst -sigopt rsa_pss_saltlen:auto</c> does. KMS signs with a 32-byte salt; other signers (moto among
/// them) use the longest salt that fits, which .NET's own verifier refuses.
/// </summary>
public static class PssSignature
{
    private const int HashLength = 32;

    /// <summary>True when <paramref name="signature"/> is a PSS signature of <paramref name="sha256"/> by <paramref name="key"/>.</summary>
    /// <param name="key">The public key (modulus and exponent).</param>
    /// <param name="sha256">The SHA-256 of the signed bytes.</param>
    /// <param name="signature">The signature, as long as the modulus.</param>
    public static bool VerifySha256(RSAParameters key, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> signature)
    {
        if (key.Modulus is not { Length: > 0 } modulus || key.Exponent is not { Length: > 0 } exponent || sha256.Length != HashLength || signature.Length != modulus.Length)
        {
            return false;
        }

        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= n)
        {
            return false;
        }

        // RSAVP1, then the encoded message in emLen bytes.
        var m = BigInteger.ModPow(s, new BigInteger(exponent, isUnsigned: true, isBigEndian: true), n);
        var emBits = (int)n.GetBitLength() - 1;
        var emLength = (emBits + 7) / 8;
        var raw = m.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (raw.Length > emLength || emLength < HashLength + 2)
        {
            return false;
        }

        var em = new byte[emLength];
        raw.CopyTo(em, emLength - raw.Length);
        if (em[^1] != 0xbc)
        {
            return false;
        }

        // EMSA-PSS-VERIFY: unmask DB, find the 0x01 that ends the padding, hash M' = 0^8 || mHash || salt.
        var dbLength = emLength - HashLength - 1;
        var h = em.AsSpan(dbLength, HashLength);
        var unusedBits = (8 * emLength) - emBits;
        var topMask = (byte)(0xFF >> unusedBits);
        if ((em[0] & ~topMask) != 0)
        {
            return false;
        }

        var db = Mgf1(h, dbLength);
        for (var i = 0; i < dbLength; i++)
        {
            db[i] ^= em[i];
        }

        db[0] &= topMask;
        var separator = Array.FindIndex(db, b => b != 0);
        if (separator < 0 || db[separator] != 0x01)
        {
            return false;
        }

        var salt = db.AsSpan(separator + 1);
        var prime = new byte[8 + HashLength + salt.Length];
        sha256.CopyTo(prime.AsSpan(8));
        salt.CopyTo(prime.AsSpan(8 + HashLength));
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(prime), h);
    }

    private static byte[] Mgf1(ReadOnlySpan<byte> seed, int length)
    {
        var mask = new byte[length];
        var block = new byte[seed.Length + 4];
        seed.CopyTo(block);
        Span<byte> hash = stackalloc byte[HashLength];
        for (uint counter = 0, offset = 0; offset < length; counter++, offset += HashLength)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(seed.Length), counter);
            SHA256.HashData(block, hash);
            hash[..Math.Min(HashLength, length - (int)offset)].CopyTo(mask.AsSpan((int)offset));
        }

        return mask;
    }
}

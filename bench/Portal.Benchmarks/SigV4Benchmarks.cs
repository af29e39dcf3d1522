using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;
using BenchmarkDotNet.Attributes;
using Portal.Core.Aws.Signing;

namespace Portal.Benchmarks;

/// <summary>
/// The cost of signing one IAM Query request with the portal's SigV4 (headers canonicalised from the request),
/// next to the peer: the same canonical request, string to sign and signature assembled from AWSSDK.Core's signing
/// primitives. Every call the portal's own clients make pays this once per attempt.
/// </summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private static readonly ImmutableCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset At = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
    private readonly byte[] _body = Encoding.UTF8.GetBytes("Action=PutUserPolicy&Version=2010-05-08&UserName=dave&PolicyName=portal-grant-42&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D");

    [Benchmark(Baseline = true)]
    public string PortalSigner()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://iam.amazonaws.com/");
        request.Content = new ByteArrayContent(_body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        SigV4Signer.Sign(request, _body, Credentials, "us-east-1", "iam", At);
        return request.Headers.Authorization!.Parameter!;
    }

    [Benchmark]
    public string SdkSigner()
    {
        var signingKey = AWS4Signer.ComposeSigningKey(Credentials.SecretKey, "us-east-1", "20261127", "iam");
        var canonical = "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20261127T000000Z\n\ncontent-type;host;x-amz-date\n" + AWSSDKUtils.ToHex(CryptoUtilFactory.CryptoInstance.ComputeSHA256Hash(_body), true);
        var stringToSign = "AWS4-HMAC-SHA256\n20261127T000000Z\n20261127/us-east-1/iam/aws4_request\n" + AWSSDKUtils.ToHex(CryptoUtilFactory.CryptoInstance.ComputeSHA256Hash(Encoding.UTF8.GetBytes(canonical)), true);
        return AWSSDKUtils.ToHex(AWS4Signer.ComputeKeyedHash(SigningAlgorithm.HmacSHA256, signingKey, stringToSign), true);
    }
}

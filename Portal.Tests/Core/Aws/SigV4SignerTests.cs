using System.Text;
using Amazon.Runtime;
using Portal.Core.Aws.Signing;

namespace Portal.Tests.Core.Aws;

/// <summary>Cases from AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z).</summary>
public sealed class SigV4SignerTests
{
    private static readonly ImmutableCredentials Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Theory]
    [InlineData( /* get-vanilla */ "GET", "https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData( /* get-vanilla-query-order-key-case */ "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData( /* get-vanilla-query-unreserved */ "GET", "https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")]
    [InlineData( /* get-utf8 */ "GET", "https://example.amazonaws.com/ሴ", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")]
    [InlineData( /* post-vanilla */ "POST", "https://example.amazonaws.com/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    public void Sign_SuiteCase_ProducesPublishedSignature(string method, string url, string signature)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);

        SigV4Signer.Sign(request, [], Suite, "us-east-1", "service", SuiteTime);

        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}",
            request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void CanonicalRequest_GetVanilla_MatchesSuiteText()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20150830T123600Z");

        var (canonical, signedHeaders) = SigV4Signer.CanonicalRequest(request, SigV4Signer.HexSha256([]));

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", canonical);
        Assert.Equal("host;x-amz-date", signedHeaders);
    }

    [Fact]
    public void Sign_WithSessionToken_SignsTheTokenHeader()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "secret", "session-token");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://iam.amazonaws.com/");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("Action=ListUsers&Version=2010-05-08"));

        SigV4Signer.Sign(request, Encoding.UTF8.GetBytes("Action=ListUsers&Version=2010-05-08"), credentials, "us-east-1", "iam", SuiteTime);

        Assert.Equal("session-token", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("x-amz-security-token", request.Headers.Authorization!.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_DifferentPayload_ChangesSignature()
    {
        using var first = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        using var second = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");

        SigV4Signer.Sign(first, "a"u8, Suite, "us-east-1", "service", SuiteTime);
        SigV4Signer.Sign(second, "b"u8, Suite, "us-east-1", "service", SuiteTime);

        Assert.NotEqual(first.Headers.Authorization!.Parameter, second.Headers.Authorization!.Parameter);
    }

    [Theory]
    [InlineData("abc-._~", "abc-._~")]
    [InlineData("a b", "a%20b")]
    [InlineData("a/b=c", "a%2Fb%3Dc")]
    [InlineData("ሴ", "%E1%88%B4")]
    public void UriEncode_EncodesAllButUnreserved(string value, string expected) =>
        Assert.Equal(expected, SigV4Signer.UriEncode(value));
}

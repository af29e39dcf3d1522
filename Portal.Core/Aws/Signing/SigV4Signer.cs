using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace Portal.Core.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 for header-signed requests, as specified in the AWS General Reference
/// ("Create a signed AWS API request") and checked against AWS's published SigV4 test suite.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string DateStampFormat = "yyyyMMdd";

    // Headers a proxy or the HTTP stack may rewrite; signing them would make valid requests fail.
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "connection", "transfer-encoding", "content-length", "x-amzn-trace-id",
    };

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, the session token when there is one, and <c>Authorization</c> to the request.
    /// </summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> payload, ImmutableCredentials credentials, string region, string service, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        ArgumentNullException.ThrowIfNull(credentials);

        var utc = now.UtcDateTime;
        var amzDate = utc.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
        var dateStamp = utc.ToString(DateStampFormat, CultureInfo.InvariantCulture);

        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var payloadHash = HexSha256(payload);
        var (canonicalRequest, signedHeaders) = CanonicalRequest(request, payloadHash);
        var scope = $"{dateStamp}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(credentials.SecretKey, dateStamp, region, service), Encoding.UTF8.GetBytes(stringToSign)));

        request.Headers.Authorization = new AuthenticationHeaderValue(
            Algorithm,
            $"Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    internal static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(HttpRequestMessage request, string payloadHash)
    {
        var uri = request.RequestUri!;
        var headers = CanonicalHeaders(request);
        var signedHeaders = string.Join(';', headers.Keys);
        var builder = new StringBuilder();
        builder.Append(request.Method.Method).Append('\n');
        builder.Append(CanonicalPath(uri)).Append('\n');
        builder.Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (builder.ToString(), signedHeaders);
    }

    private static SortedDictionary<string, string> CanonicalHeaders(HttpRequestMessage request)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<string> values)
        {
            if (UnsignedHeaders.Contains(name))
            {
                return;
            }

            var key = name.ToLowerInvariant();
            var joined = string.Join(',', values.Select(TrimAll));
            headers[key] = headers.TryGetValue(key, out var existing) ? existing + "," + joined : joined;
        }

        foreach (var header in request.Headers)
        {
            Add(header.Key, header.Value);
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                Add(header.Key, header.Value);
            }
        }

        if (!headers.ContainsKey("host"))
        {
            headers["host"] = request.Headers.Host ?? request.RequestUri!.Authority;
        }

        return headers;
    }

    private static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var segments = path.Split('/').Select(segment => UriEncode(Uri.UnescapeDataString(segment)));
        return string.Join('/', segments);
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                var name = at < 0 ? pair : pair[..at];
                var value = at < 0 ? string.Empty : pair[(at + 1)..];
                return (Name: UriEncode(Unescape(name)), Value: UriEncode(Unescape(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    /// <summary>RFC 3986 encoding as SigV4 wants it: every byte but the unreserved characters, upper-case hex.</summary>
    internal static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string TrimAll(string value)
    {
        var builder = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var c in value.Trim())
        {
            var isSpace = c is ' ' or '\t';
            if (isSpace && lastWasSpace)
            {
                continue;
            }

            builder.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
        }

        return builder.ToString();
    }

    private static byte[] SigningKey(string secretKey, string dateStamp, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(dateStamp));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    internal static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Portal.Core.Sessions.Redaction;

/// <summary>
/// Finds secrets in a line of transcript text and masks them, character for character (<see cref="Mask"/>), so a masked
/// line keeps its layout. One regular expression holds every pattern, so a line is scanned once; each scan has a
/// timeout, and a line that times out is masked whole rather than shown.
/// </summary>
public sealed partial class SecretMasker
{
    /// <summary>What a masked character becomes.</summary>
    public const char Mask = '•';

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    // Long lines (a minified JSON of a megabyte is one line) are scanned in windows that overlap by more than any
    // secret is long, so each scan is short and within its timeout.
    private const int Window = 16 * 1024;
    private const int Overlap = 2 * 1024;

    // The built-in patterns, each with the part to mask in a group named "secret" (or all of the match).
    private static readonly (string Name, string Pattern)[] BuiltIn =
    [
        ("AWS access key id", @"\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b"),
        ("AWS secret access key", @"(?i:aws_?secret_?access_?key|secret_?access_?key|secretaccesskey)[""']?\s*[:=]\s*[""']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"),
        ("AWS session token", @"(?i:aws_?session_?token|session_?token|sessiontoken|security_?token)[""']?\s*[:=]\s*[""']?(?<secret>[A-Za-z0-9/+=]{40,})"),
        ("Authorization header", @"(?i:\b(?:proxy-)?authorization\s*[:=]\s*(?:bearer|basic|token|digest|aws4-hmac-sha256)?\s*)(?<secret>[^\s""']{6,})"),
        ("Token header", @"(?i:\b(?:x-api-key|x-auth-token|x-amz-security-token|x-vault-token|private-token|api-key|apikey|cookie|set-cookie)\s*:\s*)(?<secret>[^\s""']{6,})"),
        ("Credentials in a URL", @"(?i:\b[a-z][a-z0-9+.-]*://[^/\s:@""']+:)(?<secret>[^@\s/""']+)@"),
        ("Token in a URL", @"(?i:[?&;](?:access_token|id_token|refresh_token|token|auth|api_key|apikey|key|sig|signature|password|passwd|pwd|secret|client_secret|x-amz-signature|x-amz-security-token|x-amz-credential)=)(?<secret>[^&\s""'#<>]+)"),
        ("Password argument", @"(?i:(?:--password|--passwd|--token|--secret|--client-secret)[= ])(?<secret>[^\s""']{6,})"),
        ("GitHub token", @"\b(?<secret>gh[pousr]_[A-Za-z0-9]{36,})\b"),
        ("Slack token", @"\b(?<secret>xox[abposr]-[A-Za-z0-9-]{10,})"),
    ];

    private readonly Regex? _secrets;

    /// <summary>A masker with the built-in patterns and those configured.</summary>
    /// <exception cref="ArgumentException">A configured pattern is not a valid regular expression.</exception>
    public SecretMasker(IOptions<RedactionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Enabled = options.Value.Enabled;
        if (!Enabled)
        {
            return;
        }

        var patterns = BuiltIn.Select(p => p.Pattern).Concat(options.Value.Patterns.Select(p => Check(p.Key, p.Value)));
        _secrets = new Regex(string.Join('|', patterns.Select(p => $"(?:{p})")), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.Compiled, Timeout);

        // The compiled expression is made on its first match: make it now, not within a reader's timeout.
        _ = _secrets.IsMatch("AKIAIOSFODNN7EXAMPLE https://a:b@c?token=d Authorization: Bearer e");
    }

    /// <summary>False when redaction is turned off: lines are shown as they are.</summary>
    public bool Enabled { get; }

    /// <summary>The names of the built-in patterns, for the page and the docs.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [.. BuiltIn.Select(p => p.Name), "Private key block"];

    /// <summary>Where <paramref name="line"/> holds secrets: (start, length) ranges, in order, not overlapping.</summary>
    public IReadOnlyList<(int Start, int Length)> Find(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_secrets is null || line.Length == 0)
        {
            return [];
        }

        var found = new List<(int Start, int Length)>();
        for (var start = 0; start < line.Length; start += Window - Overlap)
        {
            var length = Math.Min(Window, line.Length - start);
            try
            {
                for (var match = _secrets.Match(line, start, length); match.Success; match = match.NextMatch())
                {
                    var secret = match.Groups["secret"] is { Success: true } group ? group : (Capture)match;
                    if (secret.Length > 0 && (found.Count == 0 || secret.Index >= found[^1].Start + found[^1].Length))
                    {
                        found.Add((secret.Index, secret.Length));
                    }
                }
            }
            catch (RegexMatchTimeoutException)
            {
                found.Add((start, length)); // cannot tell: mask this window
            }

            if (start + length >= line.Length)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>The line with its secrets masked (the same length).</summary>
    public string MaskLine(string line)
    {
        var found = Find(line);
        if (found.Count == 0)
        {
            return line;
        }

        var masked = new StringBuilder(line);
        foreach (var (start, length) in found)
        {
            for (var i = start; i < start + length; i++)
            {
                if (!char.IsWhiteSpace(masked[i]))
                {
                    masked[i] = Mask;
                }
            }
        }

        return masked.ToString();
    }

    /// <summary>True when the line opens a PEM private key block (its body lines are masked whole).</summary>
    public bool OpensKeyBlock(string line) => _secrets is not null && KeyBlockBegin().IsMatch(line);

    /// <summary>True when the line closes a PEM private key block.</summary>
    public bool ClosesKeyBlock(string line) => _secrets is not null && KeyBlockEnd().IsMatch(line);

    /// <summary>True when every configured pattern is a valid regular expression (checked at startup).</summary>
    public static bool PatternsAreValid(RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            foreach (var (name, pattern) in options.Patterns)
            {
                Check(name, pattern);
            }

            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Check(string name, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, Timeout);
            return pattern;
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{RedactionOptions.SectionName}:Patterns:{name} is not a valid regular expression: {ex.Message}", nameof(pattern), ex);
        }
    }

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex KeyBlockBegin();

    [GeneratedRegex(@"-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex KeyBlockEnd();
}

using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sessions.Redaction;

/// <summary>
/// What the portal masks in transcripts it shows and exports (<c>Portal:Sessions:Redaction</c>). AWS access keys and
/// secret keys, session tokens, private key blocks, credentials and tokens in URLs and in headers are always masked
/// while <see cref="Enabled"/>; <see cref="Patterns"/> adds more. Raw downloads and evidence bundles are never masked.
/// </summary>
public sealed class RedactionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Portal:Sessions:Redaction";

    /// <summary>Masks secrets on the page and in text and HTML downloads. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// More patterns by name: .NET regular expressions matched against each logical line. A group named
    /// <c>secret</c> is what is masked; without one, the whole match is. For example
    /// <c>"Jira": "(?i)jira_token=(?&lt;secret&gt;\\S+)"</c>.
    /// </summary>
    [MaxLength(100)]
    public Dictionary<string, string> Patterns { get; set; } = [];
}

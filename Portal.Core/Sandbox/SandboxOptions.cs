using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Sandbox;

/// <summary>The sandbox account's demo data. Bound from <c>Portal:Sandbox</c>; read only in Sandbox mode.</summary>
public sealed class SandboxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Sandbox";

    /// <summary>The seeded session-log bucket. Defaults to <c>bastion-session-logs-sandbox</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ErrorMessage = "must be a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')")]
    public string LogBucket { get; set; } = "bastion-session-logs-sandbox";

    /// <summary>How many transcripts to seed under <c>sessionmanager/</c>. Defaults to 36.</summary>
    [Range(1, 100_000)]
    public int TranscriptCount { get; set; } = 36;

    /// <summary>The command that starts moto. Defaults to <c>moto_server</c> on the PATH.</summary>
    [Required]
    public string MotoCommand { get; set; } = "moto_server";

    /// <summary>Seconds to wait for a started moto to answer. Defaults to 60.</summary>
    [Range(1, 600)]
    public int StartTimeoutSeconds { get; set; } = 60;
}

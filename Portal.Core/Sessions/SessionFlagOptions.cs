using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Portal.Core.Sessions;

/// <summary>
/// What makes a command worth an auditor's look: flag name to a regular expression over the command text, and the
/// prompts commands follow. Bound from <c>Portal:Sessions:Commands</c>.
/// </summary>
public sealed class SessionFlagOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Sessions:Commands";

    /// <summary>Flag name to pattern. Defaults to sudo, su, rm -rf and writes under /etc.</summary>
    public Dictionary<string, string> Flags { get; set; } = new(StringComparer.Ordinal)
    {
        ["sudo"] = @"(^|[\s;&|(])sudo(\s|$)",
        ["su"] = @"(^|[\s;&|(])su(\s|$|-)",
        ["rm -rf"] = @"(^|[\s;&|(])rm\s+(-[a-zA-Z]*r[a-zA-Z]*f|-[a-zA-Z]*f[a-zA-Z]*r|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)",
        ["writes under /etc"] = @"(>>?|\btee(\s+-a)?)\s*/etc/|\b(vi|vim|nano|sed\s+-i\S*|cp|mv|install|chmod|chown)\s+[^|;&]*/etc/",
    };

    /// <summary>Patterns for the prompts that precede commands; the command is what follows the match.</summary>
    public List<string> Prompts { get; set; } =
    [
        @"^\[[^\]]{1,120}\][$#] ",
        @"^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:[^$#]{0,200}[$#] ",
        @"^(sh|bash)-\d+(\.\d+)?[$#] ",
        @"^[$#] ",
    ];

    /// <summary>Every pattern must compile.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, pattern) in Flags)
        {
            if (!Compiles(pattern))
            {
                yield return new ValidationResult($"Flags:{name}: not a valid regular expression", [nameof(Flags)]);
            }
        }

        foreach (var pattern in Prompts.Where(p => !Compiles(p)))
        {
            yield return new ValidationResult($"Prompts: '{pattern}' is not a valid regular expression", [nameof(Prompts)]);
        }
    }

    private static bool Compiles(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

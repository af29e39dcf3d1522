using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Setup;

/// <summary>How the setup wizard reaches AWS. Bound from <c>Portal:Setup</c>.</summary>
public sealed class SetupOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Setup";

    /// <summary>
    /// The setup role (docs/IAM.md): the portal assumes it, with its own credentials, only to plan, apply, verify and
    /// export, so the role it runs as every day needs none of the wizard's permissions. Unset, the wizard runs as the
    /// portal itself.
    /// </summary>
    [RegularExpression(@"^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$", ErrorMessage = "must be an IAM role ARN")]
    public string? RoleArn { get; set; }
}

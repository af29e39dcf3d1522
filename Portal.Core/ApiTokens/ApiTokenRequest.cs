using System.ComponentModel.DataAnnotations;

namespace Portal.Core.ApiTokens;

/// <summary>What an Admin asks for when issuing a token.</summary>
public sealed class ApiTokenRequest
{
    /// <summary>The longest lifetime a token may have.</summary>
    public const int MaxDays = 365;

    /// <summary>A name that says what the token is for, such as <c>ci-audit-export</c>.</summary>
    [Required(ErrorMessage = "Give the token a name.")]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", ErrorMessage = "Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The portal role the token acts with.</summary>
    [Required(ErrorMessage = "Choose a role.")]
    public string Role { get; set; } = Identity.PortalRoles.Auditor;

    /// <summary>Days until the token expires. Defaults to 30.</summary>
    [Range(1, MaxDays, ErrorMessage = "A token lives 1 to 365 days.")]
    public int ExpiresInDays { get; set; } = 30;
}

using System.ComponentModel.DataAnnotations;

namespace Portal.Core.ApiTokens;

/// <summary>What an Admin asks for when issuing a token.</summary>
public sealed class ApiTokenRequest
{
    /// <summary>The longest lifetime a token may have.</summary>
    public const int MaxDays = 365;

    /// <summary>A name that says what the token is for, such as <c>ci-audit-export</c>.</summary>
    [Required(ErrorMessageResourceType = typeof(ApiTokenMessages), ErrorMessageResourceName = nameof(ApiTokenMessages.NameRequired))]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", ErrorMessageResourceType = typeof(ApiTokenMessages), ErrorMessageResourceName = nameof(ApiTokenMessages.NamePattern))]
    public string Name { get; set; } = string.Empty;

    /// <summary>The portal role the token acts with.</summary>
    [Required(ErrorMessageResourceType = typeof(ApiTokenMessages), ErrorMessageResourceName = nameof(ApiTokenMessages.RoleRequired))]
    public string Role { get; set; } = Identity.PortalRoles.Auditor;

    /// <summary>Days until the token expires. Defaults to 30.</summary>
    [Range(1, MaxDays, ErrorMessageResourceType = typeof(ApiTokenMessages), ErrorMessageResourceName = nameof(ApiTokenMessages.DaysRange))]
    public int ExpiresInDays { get; set; } = 30;
}

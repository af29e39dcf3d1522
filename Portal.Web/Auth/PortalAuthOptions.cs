namespace Portal.Web.Auth;

/// <summary>How people sign in. Bound from <c>Portal:Auth</c>.</summary>
public sealed class PortalAuthOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Auth";

    /// <summary>
    /// The sandbox's pick-a-person sign-in page. Defaults to on in Sandbox mode; turning it on in any other mode
    /// stops startup.
    /// </summary>
    public bool? SandboxSignIn { get; set; }

    /// <summary>The OpenID Connect provider, required outside the sandbox.</summary>
    public OidcSettings Oidc { get; set; } = new();

    /// <summary>
    /// How many invalid bearer tokens one client address may send in a minute before its requests to <c>/api</c> and
    /// <c>/auth</c> answer 429 until the minute is over. Defaults to 60.
    /// </summary>
    public int BadTokensPerMinute { get; set; } = 60;

    /// <summary>
    /// How often a signed-in person's roles are read again from the provider (its userinfo endpoint, with a refreshed
    /// token when it has expired), for requests and for open pages alike. Someone removed from a group loses the role
    /// within this. Defaults to 5 minutes; between 5 seconds and 1 hour.
    /// </summary>
    public TimeSpan RoleCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest a sign-in lasts, however active the person is (the cookie's 8 hours slide; this does not). Defaults
    /// to 12 hours.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

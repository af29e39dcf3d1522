namespace Portal.Core.Identity;

/// <summary>A person the portal knows, with the portal roles they hold.</summary>
/// <param name="Name">The sign-in name; in the sandbox also the IAM user name.</param>
/// <param name="DisplayName">How the UI shows them.</param>
/// <param name="Roles">Their portal roles.</param>
public sealed record PortalPerson(string Name, string DisplayName, IReadOnlyList<string> Roles);

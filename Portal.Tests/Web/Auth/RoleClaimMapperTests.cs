using System.Security.Claims;
using Portal.Core.Identity;
using Portal.Web.Auth;

namespace Portal.Tests.Web.Auth;

public sealed class RoleClaimMapperTests
{
    private static readonly OidcSettings Settings = new()
    {
        RoleClaimType = "groups",
        NameClaimType = "preferred_username",
        RoleMappings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Admin"] = ["portal-admins"],
            ["Approver"] = ["portal-approvers", "leads"],
            ["Auditor"] = ["portal-auditors"],
        },
    };

    [Fact]
    public void Map_GroupsClaims_BecomePortalRoles()
    {
        var external = Principal(new("preferred_username", "j.smith"), new("name", "Jo Smith"), new("email", "jo@example.com"), new("groups", "leads"), new("groups", "portal-auditors"), new("groups", "unrelated"));

        var mapped = RoleClaimMapper.Map(external, Settings, "Cookies");

        Assert.Equal("j.smith", mapped.Identity!.Name);
        Assert.Equal("Jo Smith", mapped.DisplayNameOf());
        Assert.Equal([PortalRoles.Approver, PortalRoles.Auditor], mapped.Roles().Order());
        Assert.Equal("j.smith", mapped.FindFirst(PortalClaims.IamUser)!.Value);
        var person = mapped.ToAccessPerson();
        Assert.Equal(("j.smith", "jo@example.com", "j.smith"), (person.Name, person.Email, person.IamUserClaim)); // the e-mail an IAM tag may name
        Assert.Equal([PortalRoles.Approver, PortalRoles.Auditor], person.Roles!.Order()); // break-glass asks for both Requester and Approver
    }

    [Fact]
    public void Map_JsonArrayClaim_IsUnpacked()
    {
        var external = Principal(new("preferred_username", "alice"), new("groups", """["portal-admins","x"]"""));

        Assert.Equal([PortalRoles.Admin], RoleClaimMapper.Map(external, Settings, "Cookies").Roles());
    }

    [Fact]
    public void Map_NoMatchingGroup_NoRoles()
    {
        var external = Principal(new("preferred_username", "guest"), new("groups", "everyone"));

        var mapped = RoleClaimMapper.Map(external, Settings, "Cookies");

        Assert.Empty(mapped.Roles());
        Assert.False(mapped.IsInRole(PortalRoles.Admin));
    }

    private static ClaimsPrincipal Principal(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));
}

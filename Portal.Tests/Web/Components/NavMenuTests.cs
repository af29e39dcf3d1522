using Bunit;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Layout;

namespace Portal.Tests.Web.Components;

public sealed class NavMenuTests : PortalBunitContext
{
    [Theory]
    [InlineData("Admin", "dashboard,sessions,search,coverage,integrity,access,live-sessions,setup,audit,tokens")]
    [InlineData("Approver", "dashboard,access,live-sessions")]
    [InlineData("Auditor", "dashboard,sessions,search,coverage,integrity,live-sessions,audit")]
    [InlineData("Requester", "dashboard,access")]
    public void Render_ForRole_ShowsOnlyItsLinks(string role, string expected)
    {
        SignIn("someone", role);

        var menu = Render<NavMenu>();

        var shown = menu.FindAll("[data-testid^=nav-]").Select(e => e.GetAttribute("data-testid")![4..]).ToList();
        Assert.Equal(expected.Split(','), shown);
    }

    [Fact]
    public void Render_WithoutRole_ShowsNothing()
    {
        SignIn("guest");

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("[data-testid^=nav-]"));
    }
}

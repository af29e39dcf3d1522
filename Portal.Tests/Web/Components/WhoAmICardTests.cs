using Bunit;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Dashboard;

namespace Portal.Tests.Web.Components;

public sealed class WhoAmICardTests : PortalBunitContext
{
    [Fact]
    public void Render_ShowsNameAndEveryRole()
    {
        SignIn("erin", "Requester", "Approver");

        var card = Render<WhoAmICard>();

        card.WaitForAssertion(() =>
        {
            Assert.Contains("ERIN", card.Markup, StringComparison.Ordinal);
            Assert.Equal(["Approver", "Requester"], card.FindAll(".mud-chip").Select(c => c.TextContent.Trim()).Order());
        });
    }
}

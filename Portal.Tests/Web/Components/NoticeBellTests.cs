using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Notifications;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Layout;

namespace Portal.Tests.Web.Components;

public sealed class NoticeBellTests : PortalBunitContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly FakeNotifications _notifications = new();

    public NoticeBellTests()
    {
        SignIn("dave", "Requester");
        Services.AddSingleton<INotifications>(_notifications);
        Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void Badge_CountsNoticesSinceLastSeen_AndOpeningMarksThemSeen()
    {
        _notifications.SeenAt = Now.AddMinutes(-10);
        _notifications.Notices =
        [
            new Notice(3, "person:dave", "Request 3 was approved by bob: <b>go</b>", "/access/request", Now.AddMinutes(-1)),
            new Notice(2, "role:Requester", "Maintenance tonight", null, Now.AddMinutes(-5)),
            new Notice(1, "person:dave", "Request 1 was denied by bob.", "/access/request", Now.AddHours(-2)),
        ];
        Render<MudBlazor.MudPopoverProvider>();
        var bell = Render<NoticeBell>();

        bell.WaitForAssertion(() => Assert.Equal("2", bell.Find(".mud-badge").TextContent.Trim()));
        Assert.Equal("dave", _notifications.AskedFor);
        Assert.Equal(["Requester"], _notifications.AskedRoles!);

        bell.Find("button[aria-label=Notices]").Click();

        bell.WaitForAssertion(() => Assert.Equal("dave", _notifications.MarkedSeen));
        Assert.DoesNotContain("<b>go</b>", bell.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ANoticeWrittenOnAnotherReplica_ShowsOnTheBell_WhenTheChangeIsHeard()
    {
        _notifications.Notices = [new Notice(1, "person:dave", "Request 1 was denied by bob.", "/access/request", Now.AddHours(-2))];
        Render<MudBlazor.MudPopoverProvider>();
        var bell = Render<NoticeBell>();
        bell.WaitForAssertion(() => Assert.Equal("1", bell.Find(".mud-badge").TextContent.Trim()));

        _notifications.Notices = [new Notice(2, "person:dave", "Request 2 was approved by erin.", "/access/request", Now), .. _notifications.Notices];
        Changes.Raise(Portal.Core.Hosting.ChangeTopic.Access); // not the bell's topic
        Assert.Equal("1", bell.Find(".mud-badge").TextContent.Trim());
        Changes.Raise(Portal.Core.Hosting.ChangeTopic.Notices);

        bell.WaitForAssertion(() => Assert.Equal("2", bell.Find(".mud-badge").TextContent.Trim()));
    }

    private sealed class FakeNotifications : INotifications
    {
        public IReadOnlyList<Notice> Notices { get; set; } = [];

        public DateTimeOffset? SeenAt { get; set; }

        public string? AskedFor { get; private set; }

        public string[]? AskedRoles { get; private set; }

        public string? MarkedSeen { get; private set; }

        public Task NotifyAsync(string audience, Portal.Core.Text.Phrase text, string? link = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Notice>> ForAsync(string person, IReadOnlyCollection<string> roles, int take = 20, CancellationToken cancellationToken = default)
        {
            (AskedFor, AskedRoles) = (person, [.. roles]);
            return Task.FromResult(Notices);
        }

        public Task<DateTimeOffset?> SeenAtAsync(string person, CancellationToken cancellationToken = default) => Task.FromResult(SeenAt);

        public Task MarkSeenAsync(string person, CancellationToken cancellationToken = default)
        {
            MarkedSeen = person;
            return Task.CompletedTask;
        }
    }
}

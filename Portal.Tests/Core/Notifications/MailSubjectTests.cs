using Portal.Core.Notifications;

namespace Portal.Tests.Core.Notifications;

/// <summary>SNS takes a subject of ASCII text without line breaks or control characters, under 100 characters.</summary>
public sealed class MailSubjectTests
{
    [Theory]
    [InlineData("dave asks for access to i-0123456789abcdef0", "Bastion Portal: dave asks for access to i-0123456789abcdef0")]
    [InlineData("dave asks:\r\nfix\tthe\u0007 disk", "Bastion Portal: dave asks: fix the disk")]
    [InlineData("dave asks: ディスクの修理 now", "Bastion Portal: dave asks: now")]
    [InlineData("👩🏽‍💻 ok", "Bastion Portal: ok")]
    [InlineData("障害対応", "Bastion Portal notice")]
    public void MailSubject_KeepsPrintableAscii_AndOneSpaceForAnyRun(string text, string expected) =>
        Assert.Equal(expected, PortalNotifications.MailSubject(text));

    [Fact]
    public void MailSubject_OfALongText_IsCutUnder100Characters()
    {
        var subject = PortalNotifications.MailSubject(string.Concat(Enumerable.Repeat("reason \n", 40)));

        Assert.True(subject.Length < 100, subject);
        Assert.EndsWith("...", subject, StringComparison.Ordinal);
        Assert.All(subject, c => Assert.InRange(c, ' ', '~'));
    }
}

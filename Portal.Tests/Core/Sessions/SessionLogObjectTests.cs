using Portal.Core.Sessions;

namespace Portal.Tests.Core.Sessions;

public sealed class SessionLogObjectTests
{
    [Theory]
    [InlineData("sessionmanager/alice-0123456789abcdef0.log", "alice-0123456789abcdef0", "alice")]
    [InlineData("sessionmanager/j.smith@example.com-8bd5e77c042569f33.log", "j.smith@example.com-8bd5e77c042569f33", "j.smith@example.com")]
    [InlineData("sessionmanager/deploy-bot-ekp6rf9qs5arzcjxsndyvboavi.log", "deploy-bot-ekp6rf9qs5arzcjxsndyvboavi", "deploy-bot")]
    [InlineData("root-1.log", "root-1", "root")]
    public void FromKey_LogObject_SplitsOnTheLastDash(string key, string sessionId, string principal)
    {
        var log = SessionLogObject.FromKey(key, 10, null);

        Assert.NotNull(log);
        Assert.Equal(sessionId, log.SessionId);
        Assert.Equal(principal, log.Principal);
    }

    [Theory]
    [InlineData("sessionmanager/RunShell/i-0123/stderr")]
    [InlineData("sessionmanager/")]
    [InlineData("sessionmanager/.log")]
    [InlineData("sessionmanager/notes.txt")]
    public void FromKey_OtherObjects_AreSkipped(string key) =>
        Assert.Null(SessionLogObject.FromKey(key, 1, null));
}

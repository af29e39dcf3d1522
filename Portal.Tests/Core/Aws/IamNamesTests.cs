using Portal.Core.Aws.Iam;

namespace Portal.Tests.Core.Aws;

public sealed class IamNamesTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("j.smith@example.com", true)]
    [InlineData("deploy+bot=1,2_x-y", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("slash/name", false)]
    [InlineData("<script>", false)]
    [InlineData("日本", false)]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", true)]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234", false)]
    public void IsValidUserName_FollowsIamRules(string? name, bool valid) =>
        Assert.Equal(valid, IamNames.IsValidUserName(name));

    [Theory]
    [InlineData("portal-grant-42", true)]
    [InlineData("portal grant", false)]
    public void IsValidPolicyName_FollowsIamRules(string name, bool valid) =>
        Assert.Equal(valid, IamNames.IsValidPolicyName(name));
}

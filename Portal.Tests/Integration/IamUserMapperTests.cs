using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Access;
using Portal.Core.Aws.Iam;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>A person's IAM user, by the sign-in claim or by a tag on the IAM user, against moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class IamUserMapperTests(MotoServerFixture moto) : IDisposable
{
    private readonly ServiceProvider _services = AwsClients.For(moto);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Tag_FindsTheUserTaggedWithTheEmail_OrSaysWhatIsMissing()
    {
        var iam = _services.GetRequiredService<IIamClient>();
        await iam.CreateUserAsync($"frank-{_suffix}", [new("team:email", $"frank-{_suffix}@example.com")]);
        var mapper = Mapper(IamMappingMode.Tag, "team:email");

        var found = await mapper.MapAsync(new AccessPerson("frank", $"FRANK-{_suffix}@example.com"));
        var missing = await mapper.MapAsync(new AccessPerson("gina", $"gina-{_suffix}@example.com"));

        Assert.Equal(new IamMapping($"frank-{_suffix}", null), found);
        Assert.Null(missing.UserName);
        Assert.Equal($"No IAM user is tagged team:email = gina-{_suffix}@example.com: ask an Admin to tag yours.", missing.Problem);
    }

    [Fact]
    public async Task Claim_IsCheckedToBeAValidExistingUser()
    {
        await _services.GetRequiredService<IIamClient>().CreateUserAsync($"hana-{_suffix}");
        var mapper = Mapper(IamMappingMode.Claim, "portal:email");

        Assert.Equal($"hana-{_suffix}", (await mapper.MapAsync(new AccessPerson("hana", IamUserClaim: $"hana-{_suffix}"))).UserName);
        Assert.Contains("not a valid IAM user name", (await mapper.MapAsync(new AccessPerson("x", IamUserClaim: "bad name!"))).Problem, StringComparison.Ordinal);
        Assert.Contains("does not exist", (await mapper.MapAsync(new AccessPerson("x", IamUserClaim: $"nobody-{_suffix}"))).Problem, StringComparison.Ordinal);
        Assert.Contains("claim is missing", (await mapper.MapAsync(new AccessPerson("x"))).Problem, StringComparison.Ordinal);
    }

    public void Dispose() => _services.Dispose();

    private IamUserMapper Mapper(IamMappingMode mode, string tagKey) =>
        new(_services.GetRequiredService<IIamClient>(), Options.Create(new AccessOptions { IamMapping = new IamMappingOptions { Mode = mode, TagKey = tagKey } }));
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
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
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

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
        Assert.Equal($"No IAM user is tagged team:email = gina-{_suffix}@example.com: ask an Admin to tag yours.", missing.Problem?.English);
    }

    [Fact]
    public async Task Claim_IsCheckedToBeAValidExistingUser()
    {
        await _services.GetRequiredService<IIamClient>().CreateUserAsync($"hana-{_suffix}");
        var mapper = Mapper(IamMappingMode.Claim, "portal:email");

        Assert.Equal($"hana-{_suffix}", (await mapper.MapAsync(new AccessPerson("hana", IamUserClaim: $"hana-{_suffix}"))).UserName);
        Assert.Contains("not a valid IAM user name", (await mapper.MapAsync(new AccessPerson("x", IamUserClaim: "bad name!"))).Problem?.English, StringComparison.Ordinal);
        Assert.Contains("does not exist", (await mapper.MapAsync(new AccessPerson("x", IamUserClaim: $"nobody-{_suffix}"))).Problem?.English, StringComparison.Ordinal);
        Assert.Contains("claim is missing", (await mapper.MapAsync(new AccessPerson("x"))).Problem?.English, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_ReadsIamOnceForManyRequests_AndAgainForSomeoneTaggedSince()
    {
        var iam = _services.GetRequiredService<IIamClient>();
        await iam.CreateUserAsync($"ivan-{_suffix}", [new("team:email", $"ivan-{_suffix}@example.com")]);
        var counting = CountingIam.Wrap(iam);
        using var mapper = Mapper(IamMappingMode.Tag, "team:email", counting);

        await mapper.MapAsync(new AccessPerson("ivan", $"ivan-{_suffix}@example.com"));
        await mapper.MapAsync(new AccessPerson("ivan", $"ivan-{_suffix}@example.com"));
        var afterTwo = CountingIam.Listed(counting);
        await iam.CreateUserAsync($"jo-{_suffix}", [new("team:email", $"jo-{_suffix}@example.com")]);
        var tooSoon = await mapper.MapAsync(new AccessPerson("jo", $"jo-{_suffix}@example.com"));
        _time.Advance(TimeSpan.FromSeconds(31));
        var later = await mapper.MapAsync(new AccessPerson("jo", $"jo-{_suffix}@example.com"));

        Assert.Equal(1, afterTwo);
        Assert.Null(tooSoon.UserName);
        Assert.Equal($"jo-{_suffix}", later.UserName);
        Assert.Equal(2, CountingIam.Listed(counting));
    }

    public void Dispose() => _services.Dispose();

    /// <summary>The real IAM client, counting ListUsers calls.</summary>
    public class CountingIam : System.Reflection.DispatchProxy
    {
        private IIamClient _inner = default!;
        private int _listed;

        public static IIamClient Wrap(IIamClient inner)
        {
            var proxy = Create<IIamClient, CountingIam>();
            ((CountingIam)(object)proxy)._inner = inner;
            return proxy;
        }

        public static int Listed(IIamClient proxy) => ((CountingIam)(object)proxy)._listed;

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IIamClient.ListUsersAsync))
            {
                Interlocked.Increment(ref _listed);
            }

            return targetMethod.Invoke(_inner, args);
        }
    }

    private IamUserMapper Mapper(IamMappingMode mode, string tagKey, IIamClient? iam = null) =>
        new(iam ?? _services.GetRequiredService<IIamClient>(), Options.Create(new AccessOptions { IamMapping = new IamMappingOptions { Mode = mode, TagKey = tagKey } }), _time);
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Sandbox;
using Portal.Web.Sandbox;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A real moto_server on a free loopback port, with AWS managed policies loaded, shared by the tests of a
/// collection and stopped after them. It is started by the portal's own <see cref="MotoServer"/>, so the tests also
/// exercise how the sandbox starts and stops moto. Tests never need credentials: moto accepts any.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    public const string Region = "ap-northeast-1";

    private MotoServer? _server;

    public Uri Endpoint { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        _server = new MotoServer(
            Options.Create(new PortalAwsOptions { Mode = AwsMode.Sandbox, Region = Region, ServiceUrl = Endpoint.ToString() }),
            Options.Create(new SandboxOptions()),
            NullLogger<MotoServer>.Instance);
        if (!await _server.EnsureRunningAsync(CancellationToken.None))
        {
            throw new InvalidOperationException($"Something else already answers at {Endpoint}; the tests need a moto of their own.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one moto; a collection runs its classes one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}

/// <summary>The setup wizard's tests, on a moto of their own, so they run beside <see cref="MotoGroup"/>'s.</summary>
[CollectionDefinition(Name)]
public sealed class SetupMotoGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto-setup";
}

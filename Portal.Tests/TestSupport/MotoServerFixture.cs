using System.Diagnostics;
using Portal.Core.Aws;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A real moto_server on a free loopback port, with AWS managed policies loaded, shared by the tests of a
/// collection and stopped after them. Tests never need credentials: moto accepts any.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    public const string Region = "ap-northeast-1";
    private Process? _process;

    public Uri Endpoint { get; private set; } = default!;

    public PortalAwsOptions AwsOptions => new() { Mode = AwsMode.Sandbox, Region = Region, ServiceUrl = Endpoint.ToString() };

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("moto_server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-H", "127.0.0.1", "-p", port.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true";
        _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with {_process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "/moto-api/"));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(150);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(150);
            }
        }

        throw new TimeoutException($"moto_server did not answer at {Endpoint} within 60 s.");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}

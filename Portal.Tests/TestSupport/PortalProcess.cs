using System.Diagnostics;
using System.Text;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The portal as a user runs it: the built Portal.Web.dll in its own process, in Development (Sandbox) unless the
/// settings say otherwise, on a free loopback port, with its own data folder.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;
    private bool _keepData;

    private PortalProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the portal. With <paramref name="host"/> <c>localhost</c> browsers treat it as a secure context, so the
    /// Secure cookies of the Production environment work over plain HTTP, as they do over TLS behind a balancer.
    /// </summary>
    public static PortalProcess Start(IReadOnlyDictionary<string, string> settings, string environment = "Development", int? port = null, string? dataDirectory = null, string host = "127.0.0.1")
    {
        port ??= FreePort.Next();
        var webDirectory = WebDirectory();
        var dll = Path.Combine(webDirectory, "Portal.Web.dll");

        dataDirectory ??= Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = webDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://{host}:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["Portal__Database__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new PortalProcess(Process.Start(start)!, new Uri($"http://{host}:{port}/"), dataDirectory);
    }

    /// <summary>
    /// Runs the built portal's command line (such as <c>tokens issue ...</c>) with these settings and waits for it;
    /// returns its exit code, standard output and standard error.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(IReadOnlyDictionary<string, string> settings, string environment, string dataDirectory, params string[] args)
    {
        var webDirectory = WebDirectory();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = webDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(webDirectory, "Portal.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["Portal__Database__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Sends a signal (STOP, CONT, TERM) to the portal's process, as an orchestrator or a hung host would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}")!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits until /healthz answers 200, or fails with what the portal printed.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The portal did not become healthy within {timeout}:\n{Output}");
    }

    /// <summary>The data folder, kept after this process stops so that another run can reuse it.</summary>
    public string KeepDataDirectory()
    {
        _keepData = true;
        return _dataDirectory;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM-like stop through the process tree: the portal stops the moto it started.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_keepData && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static string WebDirectory()
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Portal.Web", "bin", Configuration, "net10.0"));
        var dll = Path.Combine(directory, "Portal.Web.dll");
        return File.Exists(dll) ? directory : throw new FileNotFoundException("Portal.Web is not built for this configuration.", dll);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}

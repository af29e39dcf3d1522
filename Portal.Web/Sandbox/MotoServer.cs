using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;
using Portal.Core.Sandbox;

namespace Portal.Web.Sandbox;

/// <summary>
/// The sandbox's AWS account: moto on the configured loopback endpoint, started unless something already answers
/// there, and stopped with the portal when the portal started it.
/// </summary>
internal sealed partial class MotoServer(IOptions<PortalAwsOptions> aws, IOptions<SandboxOptions> sandbox, ILogger<MotoServer> logger) : IAsyncDisposable
{
    internal static string MissingMotoMessage(string command) =>
        $"The sandbox needs moto, a local AWS emulator, and '{command}' could not be started.\n" +
        "  Install it:   pip install 'moto[server]'   (Python 3.9 or later), then run the portal again.\n" +
        "  Or use a real AWS account: set Portal__Aws__Mode=Aws and Portal__Aws__Region, give credentials through the " +
        "AWS default chain (AWS_PROFILE or the environment), and configure OpenID Connect under Portal:Auth:Oidc (see README.md).";

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Lock _gate = new();
    private readonly Queue<string> _recentOutput = new();
    private Process? _process;

    /// <summary>Makes sure moto answers; true when this call started a fresh (empty) one.</summary>
    /// <exception cref="SandboxUnavailableException">moto is missing, exited, or did not answer in time.</exception>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var url = aws.Value.EffectiveServiceUrl ?? new Uri(PortalAwsOptions.DefaultSandboxServiceUrl);
        if (await AnswersAsync(url, cancellationToken))
        {
            LogReusing(logger, url);
            return false;
        }

        if (!url.IsLoopback)
        {
            throw new SandboxUnavailableException($"Nothing answers at {url}, and the portal starts moto only on this machine (a loopback address). Start the emulator there, or point Portal:Aws:ServiceUrl at 127.0.0.1.");
        }

        Start(url);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(sandbox.Value.StartTimeoutSeconds);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new SandboxUnavailableException($"moto exited with code {_process.ExitCode} before it answered at {url}:\n{RecentOutput()}");
            }

            if (await AnswersAsync(url, cancellationToken))
            {
                LogStarted(logger, url, _process.Id);
                return true;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new SandboxUnavailableException($"moto did not answer at {url} within {sandbox.Value.StartTimeoutSeconds} s:\n{RecentOutput()}");
    }

    public async ValueTask DisposeAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                LogStopped(logger);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Win32Exception)
        {
            LogStopFailed(logger, ex);
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Start(Uri url)
    {
        var command = sandbox.Value.MotoCommand;
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add(url.Host);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true";

        // sitecustomize.py there makes moto skip bucket-policy statements whose conditions need request context
        // it does not have (it would otherwise deny every read once the wizard adds the TLS-only statement).
        var site = Path.Combine(AppContext.BaseDirectory, "Sandbox", "moto");
        start.Environment["PYTHONPATH"] = start.Environment.TryGetValue("PYTHONPATH", out var existing) && !string.IsNullOrEmpty(existing)
            ? site + Path.PathSeparator + existing
            : site;

        try
        {
            _process = Process.Start(start) ?? throw new SandboxUnavailableException(MissingMotoMessage(command));
        }
        catch (Win32Exception ex)
        {
            throw new SandboxUnavailableException(MissingMotoMessage(command), ex);
        }

        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _recentOutput.Enqueue(line);
            while (_recentOutput.Count > 20)
            {
                _recentOutput.Dequeue();
            }
        }
    }

    private string RecentOutput()
    {
        lock (_gate)
        {
            return string.Join('\n', _recentOutput);
        }
    }

    /// <summary>Any HTTP answer counts: moto, LocalStack or another emulator is already there.</summary>
    internal static async Task<bool> AnswersAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(url, "/moto-api/"), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: using the AWS emulator already answering at {Url}")]
    private static partial void LogReusing(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: started moto at {Url} (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, Uri url, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: stopped moto")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox: moto did not stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception exception);
}

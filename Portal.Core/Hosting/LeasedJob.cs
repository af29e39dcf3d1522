using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Aws;

namespace Portal.Core.Hosting;

/// <summary>
/// A background job that runs on exactly one replica at a time. Every replica runs this loop; the one holding the
/// job's lease (<see cref="JobLeases"/>) runs a pass every <see cref="Interval"/> and renews the lease while it waits
/// and while the pass runs. A pass whose lease is lost or runs out (the database unreachable, the process paused
/// past the lease) is cancelled; a pass that outlives <see cref="ReplicaOptions.MaxPass"/> is cancelled and the lease
/// given up. The others try for the lease every <see cref="ReplicaOptions.RenewEvery"/>, so a job moves within the
/// lease's lifetime plus that when its holder stops or hangs, and at once when it stops cleanly. Passes must be safe to
/// repeat: a replica resuming from a pause may finish a step before it notices that it lost the lease.
/// </summary>
internal abstract partial class LeasedJob : BackgroundService
{
    private readonly JobLeases _leases;
    private readonly TimeProvider _time;
    private readonly ReplicaOptions _replica;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;

    protected LeasedJob(JobLeases leases, TimeProvider time, IOptions<ReplicaOptions> replica, IHostApplicationLifetime lifetime, ILogger logger)
    {
        _leases = leases;
        _time = time;
        _replica = replica.Value;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>The clock the job runs by.</summary>
    protected TimeProvider Time => _time;

    /// <summary>The job's name in leases and <c>/api/system</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Whether this replica holds the job's lease.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>How long from the end of one pass to the start of the next.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether the job runs at all in this configuration.</summary>
    protected virtual bool Enabled => true;

    /// <summary>One pass of the job; throws to report a failure, which is recorded and tried again after <see cref="Interval"/>.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    /// <summary>What a failure is called in <c>/api/system</c>: the AWS error code where there is one.</summary>
    protected static string Describe(Exception exception) =>
        exception is AwsApiException aws ? $"{aws.Service} {aws.Operation}: {aws.ErrorCode}: {aws.AwsMessage}" : exception.Message;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The database is migrated while the host starts (and in the sandbox moto seeded); the first pass waits for that.
        if (!Enabled || !await _lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var nextPass = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await HoldAsync(stoppingToken);
                if (IsLeader && _time.GetUtcNow() >= nextPass)
                {
                    await PassAsync(stoppingToken);
                    nextPass = _time.GetUtcNow() + Interval;
                }

                var wait = IsLeader ? Min(_replica.RenewEvery, nextPass - _time.GetUtcNow()) : _replica.RenewEvery;
                await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (IsLeader)
            {
                IsLeader = false;
                await ReleaseQuietlyAsync();
            }
        }
    }

    private async Task HoldAsync(CancellationToken stoppingToken)
    {
        var was = IsLeader;
        try
        {
            IsLeader = await _leases.TryHoldAsync(Name, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The database is unreachable: whoever held the job cannot renew either, so nobody runs it until it answers.
            IsLeader = false;
            LogLeaseUnreadable(_logger, Name, ex);
        }

        if (IsLeader != was)
        {
            LogLeadership(_logger, Name, IsLeader ? "took" : "lost");
        }
    }

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var control = new PassControl(pass);
        var started = _time.GetUtcNow();
        using var deadline = _time.CreateTimer(_ => control.Stop($"The lease could not be renewed within {_replica.LeaseTtl}; the pass was cancelled."), null, _replica.LeaseTtl, Timeout.InfiniteTimeSpan);
        var renewing = RenewWhileRunningAsync(control, deadline, started);
        string? error = null;
        try
        {
            await RunPassAsync(pass.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (control.Reason is { } reason)
        {
            error = reason;
            LogPassCancelled(_logger, Name, reason);
        }
        catch (Exception ex)
        {
            // A pass that fails (AWS, the database) is logged and tried again next time; it never stops the portal.
            error = Describe(ex);
            LogPassFailed(_logger, Name, ex);
        }
        finally
        {
            control.Stop(null);
            await renewing;
        }

        if (!IsLeader)
        {
            return;
        }

        try
        {
            await _leases.RecordRunAsync(Name, _time.GetUtcNow(), error, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaseUnreadable(_logger, Name, ex);
        }
    }

    /// <summary>
    /// Renews the lease while the pass runs. Each renewal pushes the pass's deadline a lease's lifetime on; if renewals
    /// stop (the database unreachable, the process paused), the deadline cancels the pass by this replica's clock before
    /// another replica can have taken the lease by its own.
    /// </summary>
    private async Task RenewWhileRunningAsync(PassControl control, ITimer deadline, DateTimeOffset started)
    {
        var token = control.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_replica.RenewEvery, _time, token);
                if (_time.GetUtcNow() - started > _replica.MaxPass)
                {
                    control.Stop($"The pass ran longer than {_replica.MaxPass} and was cancelled.");
                    return;
                }

                if (await _leases.TryHoldAsync(Name, token))
                {
                    deadline.Change(_replica.LeaseTtl, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    IsLeader = false;
                    LogLeadership(_logger, Name, "lost");
                    control.Stop("Another replica took the lease during the pass, which was cancelled.");
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // A renewal that fails is tried again; the deadline ends the pass if none succeeds in time.
                LogLeaseUnreadable(_logger, Name, ex);
            }
        }
    }

    private async Task ReleaseQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _leases.ReleaseAsync(Name, timeout.Token);
            LogLeadership(_logger, Name, "released");
        }
        catch (Exception ex)
        {
            // It runs out by itself within a lease's lifetime.
            LogLeaseUnreadable(_logger, Name, ex);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Cancels a pass once, keeping why.</summary>
    private sealed class PassControl(CancellationTokenSource source)
    {
        private string? _reason;

        public CancellationToken Token => source.Token;

        /// <summary>Why the pass was cancelled; <see langword="null"/> when it ended by itself.</summary>
        public string? Reason => Volatile.Read(ref _reason);

        public void Stop(string? reason)
        {
            if (reason is not null)
            {
                Interlocked.CompareExchange(ref _reason, reason, null);
            }

            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The pass has ended and its source is gone.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: this replica {What} the lease")]
    private static partial void LogLeadership(ILogger logger, string job, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the lease could not be read or written")]
    private static partial void LogLeaseUnreadable(ILogger logger, string job, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: a pass failed; it runs again after its interval")]
    private static partial void LogPassFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: {Reason}")]
    private static partial void LogPassCancelled(ILogger logger, string job, string reason);
}

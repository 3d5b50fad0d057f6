using Orleans.Runtime;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// A stop (SIGTERM) ends the process within CXC_SHUTDOWN_TIMEOUT_SECONDS, whatever is unreachable. Hosted services are
/// cancelled <see cref="ExitMargin"/> before that (HostOptions.ShutdownTimeout), and at the deadline the process exits
/// even if one of them ignores its cancellation: Orleans retries its membership updates for minutes when PostgreSQL is
/// gone, and the host waits for it. The exit code says whether the silo left the cluster cleanly, which only its own
/// membership entry can say: 0 when the silo marked itself Dead there, <see cref="NotDeregistered"/> when it could not
/// (the other silos then find out by probing it, which takes longer), <see cref="Overran"/> when it did but something
/// else held the stop past the deadline.
/// </summary>
public sealed class ShutdownDeadline
{
    /// <summary>The smallest CXC_SHUTDOWN_TIMEOUT_SECONDS: the margin plus a few seconds for Orleans to leave the cluster.</summary>
    public const int MinimumSeconds = 5;
    public const int NotDeregistered = 5;
    public const int Overran = 6;
    /// <summary>Between the cancellation of the hosted services and the forced exit: time for them to notice it.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(2);

    private readonly ISiloStatusOracle _silo;
    private readonly TimeSpan _timeout;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly ManualResetEventSlim _stopped = new();

    /// <param name="loggers">Logs the forced exit, and is disposed just before it so that the line is written out.</param>
    public ShutdownDeadline(IHost host, PlatformSettings settings, ILoggerFactory loggers)
    {
        _silo = host.Services.GetRequiredService<ISiloStatusOracle>();
        _timeout = settings.ShutdownTimeout;
        _loggers = loggers;
        _log = loggers.CreateLogger("CxContact.Shutdown");
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(Arm);
    }

    public static void Configure(IServiceCollection services, PlatformSettings settings) =>
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout - ExitMargin);

    /// <summary>Call once the host has stopped by itself; returns the process's exit code.</summary>
    public int Stopped()
    {
        _stopped.Set();
        if (Deregistered) return 0;
        _log.LogError("The silo stopped without marking itself dead in the membership table (it is {Status}); the other silos will find out by probing it",
            _silo.CurrentStatus);
        return NotDeregistered;
    }

    private bool Deregistered => _silo.CurrentStatus == SiloStatus.Dead;

    private void Arm()
    {
        // A thread of its own, not a timer: the thread pool may be what is stuck.
        new Thread(() =>
        {
            if (_stopped.Wait(_timeout)) return;
            var code = Deregistered ? Overran : NotDeregistered;
            _log.LogCritical("The stop did not finish within {Seconds} s (CXC_SHUTDOWN_TIMEOUT_SECONDS); exiting with {Code}: {Why}", _timeout.TotalSeconds, code,
                Deregistered ? "the silo left the cluster, but something else did not stop in time"
                    : $"the silo could not mark itself dead in the membership table (it is {_silo.CurrentStatus}); is PostgreSQL reachable?");
            _loggers.Dispose();
            Environment.Exit(code);
        }) { IsBackground = true, Name = "shutdown deadline" }.Start();
    }
}

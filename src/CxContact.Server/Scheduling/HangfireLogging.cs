using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace CxContact.Server.Scheduling;

/// <summary>
/// Hangfire's log provider is one static for the whole process (Hangfire.Logging.LogProvider), and Hangfire and
/// Hangfire.PostgreSql ask it for a logger whenever they build certain objects: a PostgreSqlFetchedJob on every
/// dequeue, a CoreBackgroundJobFactory in every BackgroundJobClient, every RecurringJobManager. AddHangfire points it
/// at the host's own ILoggerFactory, so once that host is disposed while another runs on (test hosts share a
/// process), LoggerFactory.CreateLogger throws ObjectDisposedException in the other host's Hangfire. In the dequeue
/// that happens after the job row was marked fetched and before anything could requeue it: the job is invisible for
/// the storage's invisibility timeout and is not run (the "vanished" run-now job and the triggered job that never ran).
/// This provider, installed by every host, takes loggers from the newest host that is still up and skips
/// factories that are gone. A process with one host (production) logs through that host's factory, as usual.
/// </summary>
public sealed class HangfireLogging : ILogProvider
{
    private static readonly HangfireLogging Instance = new();
    private static readonly Lock Gate = new();
    private static readonly List<ILoggerFactory> Live = [];

    private HangfireLogging() { }

    /// <summary>Makes <paramref name="factory"/> a source of Hangfire's loggers until its host stops; returns the provider to install.</summary>
    public static ILogProvider Attach(ILoggerFactory factory, IHostApplicationLifetime lifetime)
    {
        lock (Gate) Live.Add(factory);
        lifetime.ApplicationStopped.Register(() => Detach(factory));
        return Instance;
    }

    private static void Detach(ILoggerFactory factory)
    {
        lock (Gate) Live.Remove(factory);
    }

    public ILog GetLogger(string name)
    {
        while (true)
        {
            ILoggerFactory? factory;
            lock (Gate) factory = Live.Count > 0 ? Live[^1] : null;
            if (factory is null) return NoLog.Instance;
            try
            {
                return new AspNetCoreLogProvider(factory).GetLogger(name);
            }
            catch (ObjectDisposedException)
            {
                // Disposed without a stop (a host that never started): forget it and take the next one.
                Detach(factory);
            }
        }
    }

    private sealed class NoLog : ILog
    {
        public static readonly NoLog Instance = new();
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

namespace CxContact.Testing.LocalServices;

/// <summary>
/// A redis-server of one test's own on a free port, for tests that stop, empty or restart Redis under a running
/// server (the shared <see cref="LocalRedis"/> must never be touched that way). Snapshots go to a directory of
/// its own, so a stop with SAVE comes back with its data and <see cref="RestartEmpty"/> with none.
/// </summary>
public sealed class PrivateRedis : IDisposable
{
    private readonly string _dir = LocalProcess.TempDir("cxc-redis-private-");

    private PrivateRedis()
    {
        // However the test host ends, this server must not outlive it.
        LocalProcess.WhenThisProcessEnds($"redis-cli -p {Port} shutdown nosave >/dev/null 2>&1; rm -rf {LocalProcess.Quote(_dir)}");
    }

    public int Port { get; } = LocalProcess.FreePort();

    /// <summary>Short timeouts and no abort on a failed connect, so a server under test notices an outage at once and reconnects by itself.</summary>
    public string ConfigurationString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    public static PrivateRedis Start()
    {
        var redis = new PrivateRedis();
        redis.StartAgain();
        return redis;
    }

    /// <summary>Starts the server on the same port and directory; it loads the snapshot a stop with SAVE left.</summary>
    public void StartAgain()
    {
        LocalProcess.Run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", _dir,
            "--save", "", "--appendonly", "no", "--pidfile", Path.Combine(_dir, "redis.pid"), "--logfile", Path.Combine(_dir, "redis.log"));
        if (!Until(Answers)) throw new TimeoutException($"redis-server on port {Port} did not answer PING");
    }

    /// <summary>Shuts the server down, with a snapshot (as a production Redis with persistence would) or without.</summary>
    public void Stop(bool save)
    {
        try { LocalProcess.Run("redis-cli", "-p", Port.ToString(), "shutdown", save ? "save" : "nosave"); }
        catch (InvalidOperationException) { /* already down */ }
        if (!Until(() => !Answers())) throw new TimeoutException($"redis-server on port {Port} did not stop");
    }

    /// <summary>SAVE: a snapshot now, which a later <see cref="StartAgain"/> loads (as a Redis with persistence would).</summary>
    public void Save() => LocalProcess.Run("redis-cli", "-p", Port.ToString(), "save");

    /// <summary>CLIENT PAUSE ... WRITE: every write (and script) waits that long; reads go on. A Redis that stalls.</summary>
    public void PauseWrites(TimeSpan pause) =>
        LocalProcess.Run("redis-cli", "-p", Port.ToString(), "client", "pause", ((long)pause.TotalMilliseconds).ToString(), "write");

    /// <summary>CONFIG SET: changes a setting of the running server (maxmemory, say).</summary>
    public void Configure(string setting, string value) => LocalProcess.Run("redis-cli", "-p", Port.ToString(), "config", "set", setting, value);

    /// <summary>A field of INFO (evicted_keys, say).</summary>
    public string Info(string field) =>
        LocalProcess.Run("redis-cli", "-p", Port.ToString(), "info").Split('\n').First(l => l.StartsWith(field + ":"))[(field.Length + 1)..].Trim();

    /// <summary>GET of a key found by its pattern (the only key matching it), or null when none matches.</summary>
    public string? GetMatching(string pattern)
    {
        var key = LocalProcess.Run("redis-cli", "-p", Port.ToString(), "--scan", "--pattern", pattern).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SingleOrDefault();
        return key is null ? null : LocalProcess.Run("redis-cli", "-p", Port.ToString(), "get", key).Trim();
    }

    /// <summary>FLUSHALL: every key of every database is gone, the server stays up.</summary>
    public void Flush() => LocalProcess.Run("redis-cli", "-p", Port.ToString(), "flushall");

    /// <summary>Stops without a snapshot, drops any earlier one and starts again: a Redis that lost everything.</summary>
    public void RestartEmpty()
    {
        Stop(save: false);
        File.Delete(Path.Combine(_dir, "dump.rdb"));
        StartAgain();
    }

    public void Dispose()
    {
        Stop(save: false);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private bool Answers()
    {
        try { return LocalProcess.Run("redis-cli", "-p", Port.ToString(), "ping").Trim() == "PONG"; }
        catch (InvalidOperationException) { return false; }
    }

    private static bool Until(Func<bool> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return false;
    }
}

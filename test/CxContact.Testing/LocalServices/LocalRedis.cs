namespace CxContact.Testing.LocalServices;

/// <summary>
/// One Redis per test run: CXC_TEST_REDIS when given, otherwise a private redis-server on a free port, shut down
/// when the process exits. Callers isolate themselves with a key prefix (and a unique Orleans cluster id).
/// </summary>
public static class LocalRedis
{
    private static readonly Lazy<string> Config = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConfigurationString => Config.Value;

    /// <summary>A prefix no other caller in this run shares.</summary>
    public static string NewPrefix(string name) => $"t:{name}:{Guid.NewGuid():N}:";

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("CXC_TEST_REDIS") is { Length: > 0 } given) return given;
        var dir = LocalProcess.TempDir("cxc-redis-");
        var port = LocalProcess.FreePort();
        LocalProcess.Run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", port.ToString(), "--dir", dir,
            "--save", "", "--appendonly", "no", "--pidfile", Path.Combine(dir, "redis.pid"), "--logfile", Path.Combine(dir, "redis.log"));
        for (var i = 0; i < 100; i++)
        {
            try { if (LocalProcess.Run("redis-cli", "-p", port.ToString(), "ping").Trim() == "PONG") break; }
            catch (InvalidOperationException) { /* not up yet */ }
            Task.Delay(50).GetAwaiter().GetResult();
        }
        LocalProcess.WhenThisProcessEnds($"redis-cli -p {port} shutdown nosave >/dev/null 2>&1; rm -rf {LocalProcess.Quote(dir)}");
        return $"127.0.0.1:{port}";
    }
}

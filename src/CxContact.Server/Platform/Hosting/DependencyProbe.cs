using Npgsql;
using StackExchange.Redis;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Waits at start for PostgreSQL and Redis, and says in one line which one is missing and where. Without this,
/// Orleans and Hangfire would each fail later with a wall of stack traces that never names the address.
/// </summary>
public sealed class DependencyProbe(PlatformSettings settings, ILogger log, TimeProvider clock)
{
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + settings.StartupTimeout;
        string? pgError = "not tried", redisError = "not tried";
        for (var attempt = 1; ; attempt++)
        {
            if (pgError is not null) pgError = await PostgresErrorAsync(ct);
            if (redisError is not null) redisError = await RedisErrorAsync();
            if (pgError is null && redisError is null) return true;
            if (clock.GetUtcNow() >= deadline) break;
            if (attempt == 1)
                log.LogWarning("Waiting up to {Timeout}s for {Missing}", settings.StartupTimeout.TotalSeconds,
                    pgError is not null && redisError is not null ? "PostgreSQL and Redis" : pgError is not null ? "PostgreSQL" : "Redis");
            await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
        }

        if (pgError is not null)
            log.LogCritical("PostgreSQL is unreachable at {Postgres} (CXC_POSTGRES): {Error}", settings.PostgresForDisplay(), pgError);
        if (redisError is not null)
            log.LogCritical("Redis is unreachable at {Redis} (CXC_REDIS): {Error}", settings.RedisForDisplay(), redisError);
        return false;
    }

    private async Task<string?> PostgresErrorAsync(CancellationToken ct)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(settings.Postgres) { Timeout = 3, Pooling = false };
            await using var conn = new NpgsqlConnection(b.ConnectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT 1", conn);
            await cmd.ExecuteScalarAsync(ct);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return Innermost(e);
        }
    }

    private async Task<string?> RedisErrorAsync()
    {
        try
        {
            var options = ConfigurationOptions.Parse(settings.Redis);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            options.ConnectRetry = 0;
            await using var mux = await ConnectionMultiplexer.ConnectAsync(options);
            await mux.GetDatabase().PingAsync();
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ArgumentException)
        {
            return Innermost(e);
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        // First sentence only: client libraries append advice (e.g. "use abortConnect=false") that is wrong here.
        var line = e.Message.Split('\n')[0].Trim();
        var stop = line.IndexOf(". ", StringComparison.Ordinal);
        return stop > 0 ? line[..(stop + 1)] : line;
    }
}

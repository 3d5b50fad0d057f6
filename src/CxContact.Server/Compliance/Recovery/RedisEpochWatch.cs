using CxContact.Server.Platform.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// Every silo, every second (and at once when the connection drops or a reader saw the marker go): is the Redis marker
/// there, written for the Redis process now running (its run_id), with no rebuild requested in PostgreSQL? Yes opens the
/// gate readers go through (<see cref="RedisEpoch"/>); no closes it, and on compliance-role silos starts the rebuild
/// (<see cref="ComplianceRebuild"/>). It also brings the saved attempt horizon to this silo's writers.
/// </summary>
public sealed class RedisEpochWatch(RedisEpoch epoch, IConnectionMultiplexer redis, RebuildRequests requests, AttemptHorizon horizon,
    PlatformSettings settings, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<RedisEpochWatch> log) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    // Deletes the marker only if it is still the one judged invalid: a rebuild may have written a new one meanwhile.
    private const string DropIfScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private string? _lastLogged;
    // Why Redis stopped being trusted, kept until it is again: once the marker is gone, the next tick cannot tell.
    private string? _cause;
    private string? _lastFailure;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var rebuild = settings.Has(SiloRoles.Compliance) ? services.GetRequiredService<ComplianceRebuild>() : null;
        while (!ct.IsCancellationRequested)
        {
            try { await CheckAsync(rebuild, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (RedisServerException e) when (e.Message.StartsWith("OOM", StringComparison.Ordinal))
            {
                // Full, with noeviction (as recommended): writes fail, so Redis falls behind PostgreSQL; nothing can be trusted.
                epoch.Close($"Redis is out of memory and refuses writes ({e.Message}); give it more memory", unreachable: true);
                Note(LogLevel.Error, "Redis is out of memory ({Error}); compliance answers deny until it has room again", e.Message);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                epoch.Close($"Redis cannot be reached: {e.Message}", unreachable: true);
                Note(LogLevel.Warning, "Redis cannot be reached ({Error}); compliance answers deny until it is back", e.Message);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // A rebuild that failed (PostgreSQL, a grain, or Redis refusing writes): the gate stays closed, the next
                // tick tries again, and the health detail says what went wrong.
                _lastFailure = e.Message;
                Note(LogLevel.Error, "Rebuilding Redis failed ({Error}); trying again", e.Message);
            }
            try { await epoch.WaitAsync(Tick, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task CheckAsync(ComplianceRebuild? rebuild, CancellationToken ct)
    {
        RebuildRequests.Reading? pg = null;
        try { pg = await requests.ReadAsync(ct); }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Without PostgreSQL nothing can be rebuilt, and only a pending request would be missed: the marker in Redis
            // still decides, and a request made while PostgreSQL is down cannot have been saved anyway.
            Note(LogLevel.Warning, "Cannot read rebuild requests from PostgreSQL ({Error})", e.Message);
        }
        if (pg is not null) horizon.Observe(pg.Horizon);

        var db = redis.GetDatabase();
        var reading = RedisEpoch.Parse(await epoch.ReadAsync(db));
        var (marker, runId) = (reading.Marker, reading.RunId);
        var requested = pg?.Reason;
        if (reading.Valid && requested is null)
        {
            if (epoch.Current != marker) Note(LogLevel.Information, "Redis marker {Marker} verified; compliance answers from Redis", marker.ToString());
            epoch.Open(marker!);
            (_cause, _lastFailure) = (null, null);
            return;
        }

        // Not trustworthy. A marker still there (an old snapshot, or a requested rebuild) goes, so every silo's readers
        // stop at once rather than at their own next tick.
        if (!marker.IsNull) await db.ScriptEvaluateAsync(DropIfScript, [epoch.Key], [marker]);
        var why = requested is not null ? $"a rebuild was requested: {requested}"
            : reading.EvictedSince ? "Redis evicted keys (it ran out of memory); set maxmemory-policy noeviction or give it more memory"
            : !marker.IsNull ? "Redis was restarted from an older snapshot, which may lack recent writes"
            : _cause ?? "Redis holds no marker: it was emptied, or restarted without its data";
        _cause = why;
        var progress = await db.StringGetAsync(epoch.ProgressKey);
        epoch.Close($"compliance data is being rebuilt from PostgreSQL ({why}){(progress.IsNull ? "" : "; " + progress)}" +
            (_lastFailure is null ? "" : $"; the last attempt failed: {_lastFailure}"));
        Note(LogLevel.Warning, "Compliance answers deny until Redis is rebuilt: {Why}", why);

        if (rebuild is null || pg is null || !lifetime.ApplicationStarted.IsCancellationRequested) return;
        // A rule set that counts further back raised the horizon and asked for this rebuild; every silo's writers take
        // the new horizon at their next tick, so wait two before loading, or one of them could trim what was loaded.
        if (pg.RequestedAt is { } at && pg.Now - at < 2 * Tick) return;
        if (await rebuild.RunAsync(runId, ct) is not null) epoch.Suspect("Redis was rebuilt; checking the new marker");
    }

    /// <summary>Logs a state once, not every second while it lasts.</summary>
    private void Note(LogLevel level, string message, params object?[] args)
    {
        var key = message + string.Join("|", args);
        if (key == _lastLogged) return;
        _lastLogged = key;
#pragma warning disable CA2254 // the template is one of the constants above
        log.Log(level, message, args);
#pragma warning restore CA2254
    }
}

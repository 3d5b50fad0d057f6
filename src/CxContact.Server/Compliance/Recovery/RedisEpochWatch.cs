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

    // The marker and the run_id of the Redis process answering, from one script: INFO itself is an admin command to the
    // client library, and in a script it is plain.
    private const string ReadScript = """
        local info = redis.call('INFO', 'server')
        return { redis.call('GET', KEYS[1]), string.match(info, 'run_id:(%w+)') }
        """;

    private string? _lastLogged;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var rebuild = settings.Has(SiloRoles.Compliance) ? services.GetRequiredService<ComplianceRebuild>() : null;
        while (!ct.IsCancellationRequested)
        {
            try { await CheckAsync(rebuild, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                epoch.Close($"Redis cannot be reached: {e.Message}", unreachable: true);
                Note(LogLevel.Warning, "Redis cannot be reached ({Error}); compliance answers deny until it is back", e.Message);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // A rebuild that failed (PostgreSQL or a grain went away): the gate stays closed, and the next tick tries again.
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
        var read = (RedisResult[])(await db.ScriptEvaluateAsync(ReadScript, [epoch.Key]))!;
        var marker = (RedisValue)read[0];
        var runId = (string?)read[1] ?? throw new RedisException("INFO server did not give a run_id");
        var requested = pg?.Reason;
        if (!marker.IsNull && requested is null && ((string)marker!).EndsWith("@" + runId, StringComparison.Ordinal))
        {
            if (epoch.Current != marker) Note(LogLevel.Information, "Redis marker {Marker} verified; compliance answers from Redis", marker.ToString());
            epoch.Open(marker!);
            return;
        }

        // Not trustworthy. A marker still there (an old snapshot, or a requested rebuild) goes, so every silo's readers
        // stop at once rather than at their own next tick.
        if (!marker.IsNull) await db.ScriptEvaluateAsync(DropIfScript, [epoch.Key], [marker]);
        var why = requested is not null ? $"a rebuild was requested: {requested}"
            : marker.IsNull ? "Redis holds no marker: it was emptied, or restarted without its data"
            : "Redis was restarted from an older snapshot, which may lack recent writes";
        var progress = await db.StringGetAsync(epoch.ProgressKey);
        epoch.Close($"compliance data is being rebuilt from PostgreSQL ({why}){(progress.IsNull ? "" : "; " + progress)}");
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

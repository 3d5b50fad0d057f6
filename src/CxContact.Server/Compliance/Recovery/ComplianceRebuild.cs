using System.Runtime.CompilerServices;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Suppression;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// Puts back everything Redis holds for compliance, from PostgreSQL, after Redis lost it: every suppression list's
/// index (each through <see cref="SuppressionRebuilder"/>, two at a time) and, at the same time, the attempt windows of
/// every tenant from <c>call_attempts</c> as far back as <see cref="AttemptHorizon"/> says. Then it writes a new Redis
/// marker, and readers trust Redis again.
/// <para>
/// One silo rebuilds at a time (a PostgreSQL advisory lock); the others keep failing closed and show its progress.
/// Writers go on meanwhile: suppression writes reach each list's new index through the rebuild protocol of
/// <see cref="SuppressionIndex"/>, and attempt writes are newer than the snapshot the windows are loaded from, which
/// <see cref="AttemptWindows"/> respects. A FLUSHALL while this runs removes its token from Redis; the marker is then not
/// written, and the watcher starts again.
/// </para>
/// </summary>
public sealed class ComplianceRebuild(IConnectionMultiplexer redis, NpgsqlDataSource db, RedisEpoch epoch, RebuildRequests requests,
    AttemptHorizon horizon, AttemptWindows windows, SuppressionListStore lists, SuppressionRebuilder suppression, PlatformSettings settings,
    PlatformClock clock, ILogger<ComplianceRebuild> log)
{
    /// <summary>Suppression lists rebuilt at once: one streams from PostgreSQL while another's bitmaps go to Redis.</summary>
    private const int ListsAtOnce = 2;

    // Takes the marker away (readers on every silo fail closed from their next read), leaves this rebuild's token, and
    // answers how many keys Redis has evicted so far.
    private const string BeginScript = """
        redis.call('DEL', KEYS[1], KEYS[4])
        redis.call('SET', KEYS[2], ARGV[1])
        redis.call('SET', KEYS[3], 'starting')
        return string.match(redis.call('INFO', 'stats'), 'evicted_keys:(%d+)')
        """;

    // The marker, only if the token survived (a FLUSHALL meanwhile took part of what was loaded) and Redis evicted
    // nothing meanwhile (an evicted bitmap or window is a silent gap). The marker carries the eviction count, so any
    // later eviction makes it invalid too (RedisEpochWatch).
    private const string FinishScript = """
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
        local evicted = string.match(redis.call('INFO', 'stats'), 'evicted_keys:(%d+)')
        if evicted ~= ARGV[3] then return -1 end
        redis.call('SET', KEYS[1], ARGV[2] .. ':' .. evicted)
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
        return 1
        """;

    /// <summary>What a finished rebuild did, for the log and the benchmark.</summary>
    public sealed record Outcome(string Marker, int Lists, long Entries, long WindowEntries, TimeSpan Took);

    /// <summary>
    /// Rebuilds if no other silo is; returns what it did, or null when another silo holds the lock or Redis was emptied
    /// again before the end (the caller checks again and retries).
    /// </summary>
    public async Task<Outcome?> RunAsync(string runId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var lockKey = LockKey(settings.RedisPrefix);
        if (!await TryLockAsync(conn, lockKey, ct)) return null;
        try
        {
            return await RebuildAsync(runId, ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", conn);
            unlock.Parameters.AddWithValue("k", lockKey);
            try { await unlock.ExecuteScalarAsync(CancellationToken.None); }
            catch (NpgsqlException) { /* the connection is closing anyway, which releases the lock */ }
        }
    }

    private async Task<Outcome?> RebuildAsync(string runId, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var requestedBefore = (await requests.ReadAsync(ct)).Now;
        var token = Guid.NewGuid().ToString("N");
        var rdb = redis.GetDatabase();
        var evicted = (string?)await rdb.ScriptEvaluateAsync(BeginScript, [epoch.Key, epoch.BuildingKey, epoch.ProgressKey, epoch.TouchedKey], [token]) ?? "0";
        var live = await lists.AllLiveAsync(ct);
        var since = clock.GetUtcNow() - horizon.Current;
        log.LogWarning("Rebuilding Redis from PostgreSQL: {Lists} suppression list(s) and the attempts since {Since:u}", live.Count, since);

        var progress = new Progress(live.Count);
        TimeSpan listsTook, windowsTook;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporting = ReportAsync(progress, stop.Token);
        try
        {
            var attempts = Timed(() => windows.LoadAsync(AttemptsSinceAsync(since, ct), clock.GetUtcNow(), n => Interlocked.Exchange(ref progress.AttemptsRead, n), ct));
            var lists = Timed(async () =>
            {
                await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = ListsAtOnce, CancellationToken = ct }, async (l, lct) =>
                {
                    var result = await suppression.RebuildAsync(l.TenantId, l.ListId, lct);
                    Interlocked.Add(ref progress.Entries, result?.Entries ?? 0);
                    Interlocked.Increment(ref progress.ListsDone);
                });
                return 0L;
            });
            (_, listsTook) = await lists;
            (progress.AttemptsAdded, windowsTook) = await attempts;
        }
        finally
        {
            await stop.CancelAsync();
            await reporting;
        }

        await requests.ClearBeforeAsync(requestedBefore, ct);
        var marker = $"{clock.GetUtcNow().ToUnixTimeMilliseconds()}@{runId}";
        switch ((long)await rdb.ScriptEvaluateAsync(FinishScript, [epoch.Key, epoch.BuildingKey, epoch.ProgressKey, epoch.TouchedKey], [token, marker, evicted]))
        {
            case 0:
                log.LogWarning("Redis was emptied again while it was being rebuilt; starting over");
                return null;
            case -1:
                log.LogError("Redis evicted keys while it was being rebuilt, so some of what was loaded may be gone; starting over. " +
                    "Give Redis more memory, or set maxmemory-policy noeviction (writes then fail, and validation fails closed, instead of data vanishing)");
                return null;
        }
        marker = $"{marker}:{evicted}";
        var outcome = new Outcome(marker, live.Count, progress.Entries, progress.AttemptsRead, clock.GetElapsedTime(started));
        log.LogWarning("Redis rebuilt from PostgreSQL in {Seconds:0.0} s: {Lists} suppression list(s) with {Entries} entries in {ListSeconds:0.0} s, " +
            "{Windows} attempt window entries in {WindowSeconds:0.0} s (at the same time); marker {Marker}",
            outcome.Took.TotalSeconds, outcome.Lists, outcome.Entries, listsTook.TotalSeconds, outcome.WindowEntries, windowsTook.TotalSeconds, marker);
        return outcome;
    }

    private async Task<(long Result, TimeSpan Took)> Timed(Func<Task<long>> work)
    {
        var start = clock.GetTimestamp();
        var result = await work();
        return (result, clock.GetElapsedTime(start));
    }

    /// <summary>Every silo shows what is left (<see cref="RedisEpochWatch"/> reads it into its gate's detail).</summary>
    private async Task ReportAsync(Progress p, CancellationToken ct)
    {
        var rdb = redis.GetDatabase();
        while (!ct.IsCancellationRequested)
        {
            var text = p.ToString();
            epoch.Close($"compliance data is being rebuilt from PostgreSQL on this silo: {text}");
            try { await rdb.StringSetAsync(epoch.ProgressKey, text); }
            catch (Exception e) when (e is RedisException or TimeoutException) { /* the rebuild itself will fail and say so */ }
            try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The attempts of every tenant since an instant, from one snapshot, streamed (binary COPY).</summary>
    private async IAsyncEnumerable<AttemptWindows.Entry> AttemptsSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // COPY takes no parameters; the instant is formatted by us, in UTC, so nothing a caller gives reaches the text.
        var sql = $"""
            COPY (SELECT tenant_id, attempt_id, at, phone, contact_id, client_id, campaign_id, result FROM call_attempts
                  WHERE at >= '{since.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00') TO STDOUT (FORMAT BINARY)
            """;
        // Read synchronously: a million rows of eight columns are millions of reads, and this is a background job.
        using var copy = conn.BeginBinaryExport(sql);
        var batch = new List<AttemptWindows.Entry>(3);
        while (copy.StartRow() >= 0)
        {
            ct.ThrowIfCancellationRequested();
            var tenant = copy.Read<Guid>(NpgsqlDbType.Uuid);
            var id = copy.Read<Guid>(NpgsqlDbType.Uuid);
            var at = copy.Read<DateTime>(NpgsqlDbType.TimestampTz);
            var phone = Text();
            var contact = Text();
            var client = Text();
            var campaign = Text();
            var result = Text();
            batch.Clear();
            windows.Add(batch, tenant, id, new DateTimeOffset(at, TimeSpan.Zero), phone, contact, client, campaign, result);
            foreach (var e in batch) yield return e;
        }

        string? Text()
        {
            if (!copy.IsNull) return copy.Read<string>(NpgsqlDbType.Text);
            copy.Skip();
            return null;
        }
    }

    private static long LockKey(string prefix) => BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes("cxc-redis-rebuild:" + prefix)), 0);

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, long key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", conn);
        cmd.Parameters.AddWithValue("k", key);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private sealed class Progress(int lists)
    {
        public int ListsDone;
        public long Entries;
        public long AttemptsRead;
        public long AttemptsAdded;

        public override string ToString() =>
            $"{Volatile.Read(ref ListsDone)} of {lists} suppression list(s) ({Interlocked.Read(ref Entries):N0} entries), " +
            $"{Interlocked.Read(ref AttemptsRead):N0} attempt window entries loaded";
    }
}

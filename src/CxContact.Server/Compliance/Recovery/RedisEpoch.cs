using StackExchange.Redis;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// The marker that says Redis still holds everything PostgreSQL put there, and this silo's gate on it.
/// <para>
/// <c>{prefix}epoch</c> holds <c>{n}@{run_id}:{evicted_keys}</c>: written by the compliance rebuild when it has loaded
/// every suppression index and attempt window from PostgreSQL, for the Redis process (run_id) it loaded, which had
/// evicted that many keys by then. A FLUSHALL or a restart without persistence removes it; a restart from an older
/// snapshot brings it back with a run_id that is no longer the server's; an eviction of any key moves the count on.
/// Either way the marker is not valid, and no answer may be read from Redis until a rebuild writes a new one.
/// </para>
/// <para>
/// Readers take the value the watcher last verified (<see cref="Expect"/>), and read the marker again after their data in
/// the same pipeline, with the run_id and eviction count of the Redis answering (<see cref="Verify"/>): if anything
/// changed, their data may come from a Redis that lost some of it, and they fail closed. A lost connection also closes
/// the gate at once, until <see cref="RedisEpochWatch"/> has checked again.
/// </para>
/// </summary>
public sealed class RedisEpoch
{
    private readonly IConnectionMultiplexer _redis;
    private readonly PlatformSettings _settings;
    private volatile Gate _gate = new(null, "the Redis index has not been checked yet", false);
    private readonly SemaphoreSlim _wake = new(0);

    public RedisEpoch(IConnectionMultiplexer redis, PlatformSettings settings)
    {
        _redis = redis;
        _settings = settings;
        redis.ConnectionFailed += (_, e) => Suspect($"the connection to Redis failed ({e.FailureType})", unreachable: true);
        redis.ConnectionRestored += (_, _) => Suspect("the connection to Redis was restored; checking that Redis kept its data");
    }

    /// <summary>What this silo believes: the verified marker, or null and why not.</summary>
    private sealed record Gate(string? Value, string Detail, bool Unreachable);

    public RedisKey Key => _settings.RedisPrefix + "epoch";

    /// <summary>The token of the rebuild under way; a FLUSHALL during it removes the token, and its end notices.</summary>
    public RedisKey BuildingKey => _settings.RedisPrefix + "epoch:building";

    /// <summary>The attempts live writes changed while a rebuild runs: its load of older copies skips them.</summary>
    public RedisKey TouchedKey => _settings.RedisPrefix + "epoch:touched";

    /// <summary>What the rebuild under way has left, for every silo's health detail.</summary>
    public RedisKey ProgressKey => _settings.RedisPrefix + "epoch:progress";

    /// <summary>The marker value readers must see, or null while the gate is closed.</summary>
    public string? Current => _gate.Value;

    /// <summary>Why the gate is closed (or which marker it holds).</summary>
    public string Detail => _gate.Detail;

    /// <summary>Closed because Redis cannot be reached (rather than because it is being rebuilt).</summary>
    public bool Unreachable => _gate.Unreachable;

    /// <summary>The marker readers must find around their data; throws while the gate is closed.</summary>
    public string Expect()
    {
        var g = _gate;
        return g.Value ?? throw new RedisNotCurrentException(g.Detail, g.Unreachable);
    }

    // The marker, the run_id of the Redis process answering and how many keys it has evicted. INFO is an admin command
    // to the client library, and in a script it is plain; it costs a reader about what one more GET does.
    private const string ReadScript = """
        return { redis.call('GET', KEYS[1]), string.match(redis.call('INFO', 'server'), 'run_id:(%w+)'),
                 string.match(redis.call('INFO', 'stats'), 'evicted_keys:(%d+)') }
        """;

    /// <summary>What Redis says about the marker right now.</summary>
    public readonly record struct Reading(RedisValue Marker, string RunId, string Evicted)
    {
        /// <summary>Written by a rebuild of this very Redis process, which has evicted nothing since.</summary>
        public bool Valid => !Marker.IsNull && ((string)Marker!).EndsWith($"@{RunId}:{Evicted}", StringComparison.Ordinal);

        /// <summary>A marker of this process that the eviction count has left behind.</summary>
        public bool EvictedSince => !Marker.IsNull && !Valid && ((string)Marker!).Contains($"@{RunId}:", StringComparison.Ordinal);
    }

    /// <summary>Reads the marker, in a pipeline or on its own; <see cref="Parse"/> the answer.</summary>
    public Task<RedisResult> ReadAsync(IDatabaseAsync db) => db.ScriptEvaluateAsync(ReadScript, [Key]);

    public static Reading Parse(RedisResult answer)
    {
        var r = (RedisResult[])answer!;
        return new Reading((RedisValue)r[0], (string?)r[1] ?? throw new RedisException("INFO server gave no run_id"), (string?)r[2] ?? "0");
    }

    /// <summary>
    /// Checks the marker a reader read after its data, in the same pipeline (<see cref="ReadAsync"/>), against
    /// <paramref name="expected"/>. The marker only ever comes back through a finished rebuild, with a new value; it names
    /// the Redis process and its eviction count, which a restart or an eviction changes. So if it still reads as expected
    /// and valid after the data, Redis had lost nothing of that data when it was read. Anything else: the data cannot be
    /// trusted.
    /// </summary>
    public void Verify(string expected, RedisResult after)
    {
        var now = Parse(after);
        if (now.Marker == expected && now.Valid) return;
        var why = now.Marker.IsNull ? "Redis lost the index marker while this was read; the index is being rebuilt"
            : now.Marker != expected ? "the Redis index was rebuilt while this was read"
            : now.EvictedSince ? "Redis evicted keys (it ran out of memory); the index is being rebuilt"
            : "Redis was restarted (from a snapshot that may lack recent writes); the index is being rebuilt";
        Suspect(why);
        throw new RedisNotCurrentException(why, unreachable: false);
    }

    /// <summary>Opens the gate on a marker the watcher verified.</summary>
    public void Open(string value) => _gate = new Gate(value, $"index marker {value}", false);

    /// <summary>Closes the gate; readers fail closed with this detail until the watcher opens it again.</summary>
    public void Close(string detail, bool unreachable = false)
    {
        var g = _gate;
        if (g.Value is null && g.Detail == detail && g.Unreachable == unreachable) return;
        _gate = new Gate(null, detail, unreachable);
    }

    /// <summary>Closes the gate and asks the watcher to check now rather than at its next tick.</summary>
    public void Suspect(string why, bool unreachable = false)
    {
        Close(why, unreachable);
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    /// <summary>Removes the marker, so every silo's readers fail closed at once and the compliance role rebuilds.</summary>
    public Task InvalidateAsync() => _redis.GetDatabase().KeyDeleteAsync(Key);

    /// <summary>For the watcher: waits for its next tick or an earlier <see cref="Suspect"/>.</summary>
    public async Task WaitAsync(TimeSpan tick, CancellationToken ct)
    {
        try { await _wake.WaitAsync(tick, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
    }
}

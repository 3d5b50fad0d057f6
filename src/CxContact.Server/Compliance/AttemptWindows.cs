using CxContact.Core.Compliance;
using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Hosting;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// The rolling attempt windows in Redis: one sorted set per tenant and subject (phone or email, contact id, client id),
/// member <c>{attempt id:N}|{result}[\x1f{campaign}]</c>, score the attempt's time in unix ms. PostgreSQL's
/// <c>call_attempts</c> is the truth they are written after and rebuilt from; <see cref="DecisionLookup"/> reads them.
/// <para>
/// Both writers run as one script per batch, so they are atomic against each other. A live write replaces the attempt's
/// earlier member (a result for a dial already recorded) and, while a rebuild runs, marks the attempt touched; a
/// rebuild's load skips touched attempts, because the live write is newer than the rebuild's snapshot, and a live write
/// after the load replaces what the load put there.
/// </para>
/// </summary>
public sealed class AttemptWindows(IConnectionMultiplexer redis, PlatformSettings settings, AttemptHorizon horizon, RedisEpoch epoch)
{
    /// <summary>One window entry to write: the subject's key, the attempt's time, its member.</summary>
    public readonly record struct Entry(RedisKey Key, long AtMs, RedisValue Member);

    // KEYS = one per entry; ARGV[1] = the keys' time to live in seconds, ARGV[2] = 'w' (live write) or 'l' (rebuild
    // load), ARGV[3] = trim members scored at or below this, ARGV[4] = the rebuild's token key, ARGV[5] = the set of
    // attempts live writes touched during the rebuild; then per entry its score and member. The first 33 characters of a
    // member ("{id:N}|") name its attempt.
    private const string Script = """
        local ttl = tonumber(ARGV[1])
        local n = 0
        if ARGV[2] == 'l' then
          local touched = {}
          for _, id in ipairs(redis.call('SMEMBERS', ARGV[5])) do touched[id] = true end
          for i = 1, #KEYS do
            local member = ARGV[5 + i * 2]
            if not touched[string.sub(member, 1, 32)] then
              redis.call('ZADD', KEYS[i], ARGV[4 + i * 2], member)
              redis.call('EXPIRE', KEYS[i], ttl)
              n = n + 1
            end
          end
          return n
        end
        local building = redis.call('EXISTS', ARGV[4]) == 1
        for i = 1, #KEYS do
          local key = KEYS[i]
          local score, member = ARGV[4 + i * 2], ARGV[5 + i * 2]
          local attempt = string.sub(member, 1, 33)
          local present = false
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, score, score)) do
            if string.sub(m, 1, 33) == attempt then
              if m == member then present = true else redis.call('ZREM', key, m) end
            end
          end
          if not present then
            redis.call('ZADD', key, score, member)
            n = n + 1
          end
          redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
          redis.call('EXPIRE', key, ttl)
          if building then redis.call('SADD', ARGV[5], string.sub(member, 1, 32)) end
        end
        return n
        """;

    /// <summary>Entries per script call: big enough to amortise the call, small enough not to stall Redis.</summary>
    public const int ChunkSize = 1000;

    /// <summary>The window key of one subject (kind phone, contact or client).</summary>
    public string Key(Guid tenantId, string kind, string value) => $"{settings.RedisPrefix}att:{tenantId:N}:{kind}:{value}";

    /// <summary>The entries of one attempt: one per subject it has (phone or email, contact id, client id).</summary>
    public void Add(List<Entry> into, Guid tenantId, Guid attemptId, DateTimeOffset at, string? phoneOrEmail, string? contactId, string? clientId,
        string? campaignId, string? result)
    {
        RedisValue member = Member(attemptId, result, campaignId);
        var ms = at.ToUnixTimeMilliseconds();
        if (phoneOrEmail is not null) into.Add(new Entry(Key(tenantId, "phone", phoneOrEmail), ms, member));
        if (contactId is not null) into.Add(new Entry(Key(tenantId, "contact", contactId), ms, member));
        if (clientId is not null) into.Add(new Entry(Key(tenantId, "client", clientId), ms, member));
    }

    /// <summary>Live writes (after PostgreSQL committed them): each replaces its attempt's earlier member.</summary>
    public async Task WriteAsync(IReadOnlyList<Entry> entries, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        var pending = new List<Task<RedisResult>>();
        foreach (var chunk in entries.Chunk(ChunkSize)) pending.Add(Send(db, chunk, "w", now));
        foreach (var p in pending) await p;
    }

    /// <summary>
    /// A rebuild's load: adds each entry unless its attempt is already there (a live write since the snapshot is newer).
    /// A few chunks in flight at once. Returns the entries added.
    /// </summary>
    public async Task<long> LoadAsync(IAsyncEnumerable<Entry> entries, DateTimeOffset now, Action<long>? progress, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var inFlight = new Queue<Task<RedisResult>>();
        var chunk = new List<Entry>(ChunkSize);
        long added = 0, read = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            chunk.Add(e);
            if (chunk.Count < ChunkSize) continue;
            await Flush();
        }
        if (chunk.Count > 0) await Flush();
        while (inFlight.Count > 0) added += (long)await inFlight.Dequeue();
        return added;

        async Task Flush()
        {
            read += chunk.Count;
            inFlight.Enqueue(Send(db, [.. chunk], "l", now));
            chunk.Clear();
            if (inFlight.Count >= 4) added += (long)await inFlight.Dequeue();
            progress?.Invoke(read);
        }
    }

    private Task<RedisResult> Send(IDatabase db, IReadOnlyList<Entry> chunk, string mode, DateTimeOffset now)
    {
        var h = horizon.Current;
        var keys = new RedisKey[chunk.Count];
        var args = new RedisValue[5 + chunk.Count * 2];
        args[0] = (long)h.TotalSeconds;
        args[1] = mode;
        args[2] = (now - h).ToUnixTimeMilliseconds();
        args[3] = (string)epoch.BuildingKey!;
        args[4] = (string)epoch.TouchedKey!;
        for (var i = 0; i < chunk.Count; i++)
        {
            keys[i] = chunk[i].Key;
            args[5 + i * 2] = chunk[i].AtMs;
            args[6 + i * 2] = chunk[i].Member;
        }
        return db.ScriptEvaluateAsync(Script, keys, args);
    }

    /// <summary>Separates the campaign from the result in a member; no result or campaign name holds it.</summary>
    public const char CampaignSeparator = '\u001f';

    /// <summary>"{attempt id}|{result}" and, for an attempt made for a campaign, the separator and the campaign.</summary>
    private static string Member(Guid id, string? result, string? campaign) =>
        campaign is null ? $"{id:N}|{result}" : $"{id:N}|{result}{CampaignSeparator}{campaign}";

    /// <summary>Reads a window member back (score = the attempt's time in unix ms).</summary>
    public static AttemptRecord ToRecord(SortedSetEntry e)
    {
        var member = e.Element.ToString();
        var bar = member.IndexOf('|');
        var rest = bar >= 0 ? member.AsSpan(bar + 1) : [];
        var sep = rest.IndexOf(CampaignSeparator);
        var result = sep >= 0 ? rest[..sep] : rest;
        var campaign = sep >= 0 ? rest[(sep + 1)..] : [];
        return new AttemptRecord(DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score), result.IsEmpty ? null : result.ToString(),
            campaign.IsEmpty ? null : campaign.ToString(), bar > 0 ? member[..bar] : null);
    }
}

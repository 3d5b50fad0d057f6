using System.Globalization;
using CxContact.Core.Suppression;
using CxContact.Server.Compliance.Recovery;
using StackExchange.Redis;

namespace CxContact.Server.Suppression;

/// <summary>
/// The Redis lookup index of suppression entries; PostgreSQL is the truth it is built from.
/// <para>
/// Keys of one list share the base <c>{prefix}sup:{tenant:N}:{list:N}:</c>:
/// <c>npa:{NPA}</c> a bitmap per NANP area code, bit = the 7 digits after it (10^7 bits, at most 1.25 MB);
/// <c>npas</c> the set of area codes that have a bitmap; <c>set:{type}</c> other phones, emails and client ids;
/// <c>timed</c> a hash "{type}:{value}" → "{startsUnix}|{expiresUnix}" for entries with an expiry or a future start
/// (never in a bitmap or set, so expiry needs no rewrite); <c>version</c> the version the live keys were built for;
/// <c>building</c> the version a rebuild is writing to, under <c>b{version}:</c> + the same names, with
/// <c>b{version}:touched</c> the values writers changed during that rebuild.
/// </para>
/// <para>
/// Writes run as Lua, so each is atomic against a rebuild's switch: a write lands in the live keys and, while a
/// rebuild runs, in the new keys too, and marks the value touched so the rebuild's older snapshot of it is skipped.
/// The switch renames the new keys over the live ones in one script; readers always read the same names and never
/// see a half-built index. Lookups for any number of lists are one pipelined round trip. Not cluster-aware: the
/// scripts derive key names, so all of a list's keys must live on one Redis (a hash tag would fix that).
/// </para>
/// </summary>
public sealed class SuppressionIndex(IConnectionMultiplexer redis, string prefix)
{
    public const int ChunkSize = 2000;
    private const int LoadsInFlight = 4;

    // ARGV[1] = 'w' (a live write) or the version being loaded; then 6 per entry:
    // op (P permanent, T timed, D delete), type, value, NPA ('' unless NANP), bit offset, timed ("start|expires").
    private const string WriteScript = """
        local base = KEYS[1]
        local building = redis.call('GET', base .. 'building')
        local mode = ARGV[1]
        local targets, touched, guard
        if mode == 'w' then
          targets = { base }
          if building then
            targets[2] = base .. 'b' .. building .. ':'
            touched = targets[2] .. 'touched'
          end
        else
          if building ~= mode then return -1 end
          targets = { base .. 'b' .. mode .. ':' }
          guard = targets[1] .. 'touched'
        end
        local n = 0
        local zeros
        -- Per target, what this call already knows: which area-code bitmaps exist (and are in npas), and whether the
        -- timed hash exists. A permanent NANP entry then costs one SETBIT instead of four calls.
        local known, hasTimed = {}, {}
        for ti, t in ipairs(targets) do
          known[ti] = {}
          hasTimed[ti] = redis.call('EXISTS', t .. 'timed') == 1
        end
        for i = 2, #ARGV, 6 do
          local op, typ, value, npa, offset, timed = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5]
          local field = typ .. ':' .. value
          if guard == nil or redis.call('SISMEMBER', guard, field) == 0 then
            for ti, t in ipairs(targets) do
              if op == 'P' then
                if npa ~= '' then
                  local k = t .. 'npa:' .. npa
                  if not known[ti][npa] then
                    if redis.call('EXISTS', k) == 0 then
                      -- Created at full size in one allocation: grown bit by bit, Redis over-allocates (1.8-2.3 MB, not 1.3).
                      zeros = zeros or string.rep('\0', 1250000)
                      redis.call('SET', k, zeros)
                    end
                    redis.call('SADD', t .. 'npas', npa)
                    known[ti][npa] = true
                  end
                  redis.call('SETBIT', k, offset, 1)
                else
                  redis.call('SADD', t .. 'set:' .. typ, value)
                end
                if hasTimed[ti] then redis.call('HDEL', t .. 'timed', field) end
              else
                if npa ~= '' then
                  local k = t .. 'npa:' .. npa
                  if redis.call('EXISTS', k) == 1 then redis.call('SETBIT', k, offset, 0) end
                else
                  redis.call('SREM', t .. 'set:' .. typ, value)
                end
                if op == 'T' then
                  redis.call('HSET', t .. 'timed', field, timed)
                  hasTimed[ti] = true
                elseif hasTimed[ti] then
                  redis.call('HDEL', t .. 'timed', field)
                end
              end
            end
            if touched then redis.call('SADD', touched, field) end
            n = n + 1
          end
        end
        return n
        """;

    private const string DropFunction = """
        local function drop(t)
          for _, npa in ipairs(redis.call('SMEMBERS', t .. 'npas')) do redis.call('UNLINK', t .. 'npa:' .. npa) end
          redis.call('UNLINK', t .. 'npas', t .. 'set:phone', t .. 'set:email', t .. 'set:clientId', t .. 'timed', t .. 'touched')
        end
        """;

    // Clears what an earlier, abandoned rebuild left behind, then announces the new one: from here on writers
    // write to both index versions.
    private const string BeginScript = DropFunction + "\n" + """
        local base = KEYS[1]
        local old = redis.call('GET', base .. 'building')
        if old then drop(base .. 'b' .. old .. ':') end
        drop(base .. 'b' .. ARGV[1] .. ':')
        redis.call('SET', base .. 'building', ARGV[1])
        return 1
        """;

    // ARGV[1] = 'w' (a live write; refused while a rebuild runs, when writes must go one by one to both versions
    // and be marked touched) or the version being loaded; ARGV[2] = the area code; ARGV[3] = its bitmap, ORed into
    // the one there (or set when there is none). A stale "timed" field of one of these numbers is left: its bit now
    // suppresses whatever the field says, and a later remove or timed write clears both.
    private const string BitmapScript = """
        local base = KEYS[1]
        local building = redis.call('GET', base .. 'building')
        local mode = ARGV[1]
        local t
        if mode == 'w' then
          if building then return -1 end
          t = base
        else
          if building ~= mode then return -1 end
          t = base .. 'b' .. mode .. ':'
        end
        local k = t .. 'npa:' .. ARGV[2]
        if redis.call('EXISTS', k) == 1 then
          local tmp = k .. ':or'
          redis.call('SET', tmp, ARGV[3])
          redis.call('BITOP', 'OR', k, k, tmp)
          redis.call('DEL', tmp)
        else
          redis.call('SET', k, ARGV[3])
        end
        redis.call('SADD', t .. 'npas', ARGV[2])
        return 1
        """;

    // A loaded bitmap is ORed in whole, so it also holds numbers a writer removed or made timed during the rebuild.
    // Writers wrote the live keys too and marked the value touched: for a touched NANP number the live bit is the
    // truth, and it is copied over before the switch.
    private const string SwitchScript = """
        local base = KEYS[1]
        local v = ARGV[1]
        if redis.call('GET', base .. 'building') ~= v then return 0 end
        local b = base .. 'b' .. v .. ':'
        for _, f in ipairs(redis.call('SMEMBERS', b .. 'touched')) do
          local npa, rest = string.match(f, '^phone:%+1(%d%d%d)(%d%d%d%d%d%d%d)$')
          if npa and redis.call('EXISTS', b .. 'npa:' .. npa) == 1 then
            local bit = 0
            if redis.call('EXISTS', base .. 'npa:' .. npa) == 1 then bit = redis.call('GETBIT', base .. 'npa:' .. npa, tonumber(rest)) end
            redis.call('SETBIT', b .. 'npa:' .. npa, tonumber(rest), bit)
          end
        end
        for _, npa in ipairs(redis.call('SMEMBERS', base .. 'npas')) do
          if redis.call('SISMEMBER', b .. 'npas', npa) == 0 then redis.call('UNLINK', base .. 'npa:' .. npa) end
        end
        for _, npa in ipairs(redis.call('SMEMBERS', b .. 'npas')) do
          if redis.call('EXISTS', b .. 'npa:' .. npa) == 1 then redis.call('RENAME', b .. 'npa:' .. npa, base .. 'npa:' .. npa) end
        end
        for _, s in ipairs({ 'npas', 'set:phone', 'set:email', 'set:clientId', 'timed' }) do
          if redis.call('EXISTS', b .. s) == 1 then redis.call('RENAME', b .. s, base .. s) else redis.call('UNLINK', base .. s) end
        end
        redis.call('UNLINK', b .. 'touched')
        redis.call('SET', base .. 'version', v)
        redis.call('DEL', base .. 'building')
        return 1
        """;

    private const string AbortScript = DropFunction + "\n" + """
        local base = KEYS[1]
        if redis.call('GET', base .. 'building') ~= ARGV[1] then return 0 end
        drop(base .. 'b' .. ARGV[1] .. ':')
        redis.call('DEL', base .. 'building')
        return 1
        """;

    private const string DropListScript = DropFunction + "\n" + """
        local base = KEYS[1]
        local building = redis.call('GET', base .. 'building')
        if building then drop(base .. 'b' .. building .. ':') end
        drop(base)
        redis.call('DEL', base .. 'version', base .. 'building')
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    public string BaseKey(Guid tenantId, Guid listId) => $"{prefix}sup:{tenantId:N}:{listId:N}:";

    public string NpaKey(Guid tenantId, Guid listId, string npa) => BaseKey(tenantId, listId) + "npa:" + npa;

    /// <summary>A new list's empty index answers from the start: it only needs its version stamp.</summary>
    public Task InitAsync(Guid tenantId, Guid listId, long version) =>
        Db.StringSetAsync(BaseKey(tenantId, listId) + "version", version);

    /// <summary>Removes the version stamp, so lookups fail closed until a rebuild restores it.</summary>
    public Task MarkStaleAsync(Guid tenantId, Guid listId) => Db.KeyDeleteAsync(BaseKey(tenantId, listId) + "version");

    public async Task<long?> VersionAsync(Guid tenantId, Guid listId)
    {
        var v = await Db.StringGetAsync(BaseKey(tenantId, listId) + "version");
        return v.IsNull ? null : (long)v;
    }

    public async Task<long?> BuildingAsync(Guid tenantId, Guid listId)
    {
        var v = await Db.StringGetAsync(BaseKey(tenantId, listId) + "building");
        return v.IsNull ? null : (long)v;
    }

    /// <summary>Adds or updates entries in the live index (and in the one being rebuilt, if any).</summary>
    public Task AddAsync(Guid tenantId, Guid listId, IReadOnlyList<SuppressionEntry> entries, DateTimeOffset now) =>
        WriteAsync(tenantId, listId, entries.Select(e => Op(e, now, delete: false)).ToList());

    /// <summary>Removes entries from the live index (and from the one being rebuilt, if any).</summary>
    public Task RemoveAsync(Guid tenantId, Guid listId, IReadOnlyList<(string Type, string Value)> entries) =>
        WriteAsync(tenantId, listId, entries.Select(e => Op(new SuppressionEntry(e.Type, e.Value, null, null, null), default, delete: true)).ToList());

    private async Task WriteAsync(Guid tenantId, Guid listId, List<RedisValue[]> ops)
    {
        var key = new RedisKey[] { BaseKey(tenantId, listId) };
        foreach (var chunk in ops.Chunk(ChunkSize))
            await Db.ScriptEvaluateAsync(WriteScript, key, Args("w", chunk));
    }

    /// <summary>
    /// Is any of the values suppressed by any of the lists at <paramref name="at"/>? One round trip for all lists.
    /// Throws <see cref="SuppressionIndexUnavailableException"/> when a list's index is missing; Redis errors
    /// surface as they are. Both mean the caller cannot know, and must deny.
    /// </summary>
    public async Task<SuppressionHit?> FindAsync(Guid tenantId, IReadOnlyList<Guid> listIds, string? e164, string? email, string? clientId, DateTimeOffset at,
        RedisEpoch? epoch = null)
    {
        if (listIds.Count == 0) return null;
        var expected = epoch?.Expect();
        var batch = Db.CreateBatch();
        var versions = new Task<RedisValue>[listIds.Count];
        var probes = new List<(int List, string Type, string Value, Task<bool> Member, Task<RedisValue> Timed)>();
        var nanp = e164 is not null && IsNanp(e164);
        for (var i = 0; i < listIds.Count; i++)
        {
            var b = BaseKey(tenantId, listIds[i]);
            versions[i] = batch.StringGetAsync(b + "version");
            if (e164 is not null)
                probes.Add((i, SuppressionEntryType.Phone, e164,
                    nanp ? batch.StringGetBitAsync(b + "npa:" + e164.Substring(2, 3), Offset(e164)) : batch.SetContainsAsync(b + "set:phone", e164),
                    batch.HashGetAsync(b + "timed", "phone:" + e164)));
            if (email is not null)
                probes.Add((i, SuppressionEntryType.Email, email, batch.SetContainsAsync(b + "set:email", email), batch.HashGetAsync(b + "timed", "email:" + email)));
            if (clientId is not null)
                probes.Add((i, SuppressionEntryType.ClientId, clientId, batch.SetContainsAsync(b + "set:clientId", clientId),
                    batch.HashGetAsync(b + "timed", "clientId:" + clientId)));
        }
        // The Redis marker after the reads proves Redis had not lost its data when they ran (see RedisEpoch).
        var marker = epoch?.ReadAsync(batch);
        batch.Execute();
        if (marker is not null) epoch!.Verify(expected!, await marker);
        await Task.WhenAll(versions);
        await Task.WhenAll(probes.SelectMany(p => new Task[] { p.Member, p.Timed }));
        for (var i = 0; i < listIds.Count; i++)
            if (versions[i].Result.IsNull) throw new SuppressionIndexUnavailableException(listIds[i]);
        foreach (var p in probes)
            if (p.Member.Result || (p.Timed.Result is { IsNull: false } w && ActiveAt(w.ToString(), at)))
                return new SuppressionHit(listIds[p.List], p.Type, p.Value);
        return null;
    }

    /// <summary>Announces a rebuild to <paramref name="version"/>: from now on writers also write to its keys.</summary>
    public Task BeginRebuildAsync(Guid tenantId, Guid listId, long version) =>
        Db.ScriptEvaluateAsync(BeginScript, [BaseKey(tenantId, listId)], [version]);

    /// <summary>
    /// Loads a snapshot into the keys of <paramref name="version"/>, skipping values writers touched meanwhile (their
    /// write is newer than the snapshot). A few chunks in flight at once. Returns the number of entries read.
    /// </summary>
    public async Task<long> LoadAsync(Guid tenantId, Guid listId, long version, IAsyncEnumerable<SuppressionEntry> entries, DateTimeOffset now,
        CancellationToken ct)
    {
        var key = new RedisKey[] { BaseKey(tenantId, listId) };
        var mode = version.ToString(CultureInfo.InvariantCulture);
        var inFlight = new Queue<Task<RedisResult>>();
        var chunk = new List<RedisValue[]>(ChunkSize);
        // Permanent NANP numbers, nearly all of a registry, go in whole bitmaps at the end instead of a bit at a time.
        var plain = new NanpNumbers();
        long read = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            read++;
            if (e.Type == SuppressionEntryType.Phone && IsNanp(e.Value) && !Timed(e, now)) { plain.Add(e.Value); continue; }
            chunk.Add(Op(e, now, delete: false));
            if (chunk.Count < ChunkSize) continue;
            await Send();
        }
        if (chunk.Count > 0) await Send();
        while (inFlight.Count > 0) Check(await inFlight.Dequeue());
        plain.Seal();
        await WriteBitmapsAsync(tenantId, listId, mode, plain, ct);
        return read;

        async Task Send()
        {
            inFlight.Enqueue(Db.ScriptEvaluateAsync(WriteScript, key, Args(mode, chunk)));
            chunk = new List<RedisValue[]>(ChunkSize);
            if (inFlight.Count >= LoadsInFlight) Check(await inFlight.Dequeue());
        }

        void Check(RedisResult r)
        {
            if ((long)r < 0) throw new InvalidOperationException($"The rebuild of list {listId} to version {version} was superseded by another rebuild.");
        }
    }

    /// <summary>
    /// Adds a sealed set of permanent NANP numbers to the live index, a whole area-code bitmap per command. While a
    /// rebuild runs, an area code's numbers go one by one instead (they must reach both versions and be marked touched).
    /// </summary>
    public Task AddNanpAsync(Guid tenantId, Guid listId, NanpNumbers numbers, CancellationToken ct) =>
        WriteBitmapsAsync(tenantId, listId, "w", numbers, ct);

    /// <summary>Two bitmaps on their way at once (1.25 MB each): one is filled while Redis takes the other.</summary>
    private async Task WriteBitmapsAsync(Guid tenantId, Guid listId, string mode, NanpNumbers numbers, CancellationToken ct)
    {
        var key = new RedisKey[] { BaseKey(tenantId, listId) };
        var inFlight = new Queue<(string Npa, byte[] Bitmap, Task<RedisResult> Sent)>();
        var spare = new Stack<byte[]>();
        foreach (var npa in numbers.AreaCodes())
        {
            ct.ThrowIfCancellationRequested();
            if (inFlight.Count == 2) spare.Push(await Done(inFlight.Dequeue()));
            var bitmap = spare.Count > 0 ? spare.Pop() : new byte[NanpNumbers.BitmapBytes];
            numbers.FillBitmap(npa, bitmap);
            inFlight.Enqueue((npa, bitmap, Db.ScriptEvaluateAsync(BitmapScript, key, [mode, npa, bitmap])));
        }
        while (inFlight.Count > 0) await Done(inFlight.Dequeue());

        async Task<byte[]> Done((string Npa, byte[] Bitmap, Task<RedisResult> Sent) w)
        {
            if ((long)await w.Sent >= 0) return w.Bitmap;
            if (mode != "w") throw new InvalidOperationException($"The rebuild of list {listId} to version {mode} was superseded by another rebuild.");
            var entries = numbers.E164sOf(w.Npa).Select(e164 => new SuppressionEntry(SuppressionEntryType.Phone, e164, null, null, null)).ToList();
            await AddAsync(tenantId, listId, entries, DateTimeOffset.UnixEpoch);
            return w.Bitmap;
        }
    }

    /// <summary>Puts the new keys in place of the live ones in one atomic step. False when another rebuild took over.</summary>
    public async Task<bool> SwitchAsync(Guid tenantId, Guid listId, long version) =>
        (long)await Db.ScriptEvaluateAsync(SwitchScript, [BaseKey(tenantId, listId)], [version]) == 1;

    /// <summary>Drops a failed rebuild's keys; the live index was never touched.</summary>
    public Task AbortRebuildAsync(Guid tenantId, Guid listId, long version) =>
        Db.ScriptEvaluateAsync(AbortScript, [BaseKey(tenantId, listId)], [version]);

    /// <summary>Drops the list's whole index, including a rebuild in progress.</summary>
    public Task DropAsync(Guid tenantId, Guid listId) =>
        Db.ScriptEvaluateAsync(DropListScript, [BaseKey(tenantId, listId)], []);

    /// <summary>"+1" and ten national digits: the area code picks the bitmap, the other seven digits the bit.</summary>
    public static bool IsNanp(string e164) =>
        e164.Length == 12 && e164[0] == '+' && e164[1] == '1' && e164.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The bit of a NANP number in its area code's bitmap: the seven digits after the area code.</summary>
    public static long Offset(string e164) => long.Parse(e164.AsSpan(5), CultureInfo.InvariantCulture);

    /// <summary>
    /// Entries with an expiry, or a start still ahead, go to the timed hash (checked against the instant asked about);
    /// the rest go to bitmaps and sets. Seconds round outwards (start down, expiry up): an instant's doubt suppresses.
    /// </summary>
    private static RedisValue[] Op(SuppressionEntry e, DateTimeOffset now, bool delete)
    {
        var nanp = e.Type == SuppressionEntryType.Phone && IsNanp(e.Value);
        var timed = !delete && Timed(e, now);
        var window = timed
            ? $"{(e.StartsAt is { } s ? s.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "")}|{(e.ExpiresAt is { } x ? CeilSeconds(x).ToString(CultureInfo.InvariantCulture) : "")}"
            : "";
        return
        [
            delete ? "D" : timed ? "T" : "P", e.Type, e.Value,
            nanp ? e.Value.Substring(2, 3) : "", nanp ? Offset(e.Value) : "", window,
        ];
    }

    /// <summary>An entry with an expiry, or a start still ahead: kept in the timed hash, never in a bitmap or set.</summary>
    private static bool Timed(SuppressionEntry e, DateTimeOffset now) => e.ExpiresAt is not null || e.StartsAt > now;

    private static long CeilSeconds(DateTimeOffset t)
    {
        var ms = t.ToUnixTimeMilliseconds();
        return ms % 1000 == 0 ? ms / 1000 : ms / 1000 + 1;
    }

    /// <summary>Whether a timed entry's "{start}|{expiry}" (unix seconds, either may be empty) is in force at an instant.</summary>
    public static bool ActiveAt(string window, DateTimeOffset at)
    {
        var bar = window.IndexOf('|');
        var unix = at.ToUnixTimeSeconds();
        var start = window.AsSpan(0, bar);
        var end = window.AsSpan(bar + 1);
        if (!start.IsEmpty && unix < long.Parse(start, CultureInfo.InvariantCulture)) return false;
        if (!end.IsEmpty && unix >= long.Parse(end, CultureInfo.InvariantCulture)) return false;
        return true;
    }

    private static RedisValue[] Args(string mode, IEnumerable<RedisValue[]> ops)
    {
        var list = new List<RedisValue> { mode };
        foreach (var op in ops) list.AddRange(op);
        return list.ToArray();
    }
}

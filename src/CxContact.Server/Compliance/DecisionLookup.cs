using System.Globalization;
using CxContact.Core.Compliance;
using CxContact.Core.Suppression;
using CxContact.Server.Suppression;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// Everything a batch of decisions reads from Redis, in one Lua script per chunk of attempts: the version stamp of
/// every applicable list, each attempt's first suppression hit, and the attempt windows it needs. Chunks are sent
/// together (pipelined), so a batch of 10,000 costs about one round trip, and a single decision exactly one.
/// <para>
/// The script reads the key layout <see cref="SuppressionIndex"/> and <see cref="AttemptHistory"/> write; it derives
/// key names, so like them it needs all of a tenant's keys on one Redis. Throws
/// <see cref="SuppressionIndexUnavailableException"/> when a list has no version stamp; Redis errors surface as they
/// are. Both mean the caller cannot know, and must deny.
/// </para>
/// </summary>
public sealed class DecisionLookup(IConnectionMultiplexer redis, SuppressionIndex index, AttemptHistory attempts)
{
    /// <summary>Attempts per script call: bounded so one call never blocks Redis for long (about a millisecond).</summary>
    public const int ChunkSize = 1000;

    private const int NanpPhone = 1, OtherPhone = 2, EmailValue = 4, ClientIdValue = 8, PhoneWindow = 16, ContactWindow = 32, ClientWindow = 64;

    // KEYS: the lists' base keys, in the order hits are reported. ARGV[1]: the attempt horizon in ms. Then per attempt:
    // a mask, the instant in ms, and the values the mask names in this order: phone, email, client id, then the
    // phone, contact and client-id attempt keys. Answers {0, "hit,hit,...", {window, ...}} or {stale list number}.
    // A hit is 0, or (list - 1) * 3 + 1, 2 or 3 for phone, email, client id: the first list, then the first value,
    // that is suppressed, the same order SuppressionIndex.FindAsync answers in.
    private const string Script = """
        local lists = #KEYS
        local horizon = tonumber(ARGV[1])
        local timed = {}
        for l = 1, lists do
          if redis.call('EXISTS', KEYS[l] .. 'version') == 0 then return { l } end
          -- Few lists have timed entries; skipping the hash when it is absent saves a call per value.
          timed[l] = redis.call('EXISTS', KEYS[l] .. 'timed') == 1
        end
        -- The same test as SuppressionIndex.ActiveAt: start inclusive, expiry exclusive, unix seconds.
        local function active(w, at)
          local s, e = string.match(w, '^(-?%d*)|(-?%d*)$')
          if s == nil then return true end
          if s ~= '' and at < tonumber(s) then return false end
          if e ~= '' and at >= tonumber(e) then return false end
          return true
        end
        local function timedHit(l, field, at)
          if not timed[l] then return false end
          local w = redis.call('HGET', KEYS[l] .. 'timed', field)
          return w and active(w, at)
        end
        local hits, windows = {}, {}
        local i, n = 2, 0
        local argc = #ARGV
        while i <= argc do
          local mask = tonumber(ARGV[i])
          local ms = tonumber(ARGV[i + 1])
          i = i + 2
          local at = math.floor(ms / 1000)
          local phone, email, client
          if bit.band(mask, 3) ~= 0 then phone = ARGV[i]; i = i + 1 end
          if bit.band(mask, 4) ~= 0 then email = ARGV[i]; i = i + 1 end
          if bit.band(mask, 8) ~= 0 then client = ARGV[i]; i = i + 1 end
          local hit = 0
          for l = 1, lists do
            local b = KEYS[l]
            if phone then
              local member
              if bit.band(mask, 1) ~= 0 then
                member = redis.call('GETBIT', b .. 'npa:' .. string.sub(phone, 3, 5), tonumber(string.sub(phone, 6))) == 1
              else
                member = redis.call('SISMEMBER', b .. 'set:phone', phone) == 1
              end
              if member or timedHit(l, 'phone:' .. phone, at) then hit = (l - 1) * 3 + 1; break end
            end
            if email and (redis.call('SISMEMBER', b .. 'set:email', email) == 1 or timedHit(l, 'email:' .. email, at)) then
              hit = (l - 1) * 3 + 2; break
            end
            if client and (redis.call('SISMEMBER', b .. 'set:clientId', client) == 1 or timedHit(l, 'clientId:' .. client, at)) then
              hit = (l - 1) * 3 + 3; break
            end
          end
          n = n + 1
          hits[n] = hit
          for _, w in ipairs({ 16, 32, 64 }) do
            if bit.band(mask, w) ~= 0 then
              windows[#windows + 1] = redis.call('ZRANGEBYSCORE', ARGV[i], ms - horizon, ms, 'WITHSCORES')
              i = i + 1
            end
          end
        end
        return { 0, table.concat(hits, ','), windows }
        """;

    /// <summary>What Redis says about one attempt.</summary>
    public readonly record struct Facts(SuppressionHit? Hit, IReadOnlyList<AttemptRecord> Phone, IReadOnlyList<AttemptRecord> Contact,
        IReadOnlyList<AttemptRecord> ClientId);

    /// <summary>
    /// Reads the facts for <paramref name="attempts"/>[<paramref name="items"/>[k]] into <paramref name="into"/>[k].
    /// Attempt windows are read only where <paramref name="windows"/>[k] is set (tenant-wide, by phone or email,
    /// contact id and client id).
    /// </summary>
    public async Task ReadAsync(Guid tenantId, IReadOnlyList<Guid> listIds, IReadOnlyList<PreparedAttempt> attempts, IReadOnlyList<int> items,
        IReadOnlyList<bool> windows, Facts[] into)
    {
        var keys = new RedisKey[listIds.Count];
        for (var l = 0; l < keys.Length; l++) keys[l] = index.BaseKey(tenantId, listIds[l]);
        var horizon = (long)AttemptHistory.Horizon.TotalMilliseconds;
        var db = redis.GetDatabase();
        var calls = new Task<RedisResult>[(items.Count + ChunkSize - 1) / ChunkSize];
        var args = new List<RedisValue>(Math.Min(items.Count, ChunkSize) * 3 + 1);
        for (var c = 0; c < calls.Length; c++)
        {
            args.Clear();
            args.Add(horizon);
            for (var k = c * ChunkSize; k < Math.Min(items.Count, (c + 1) * ChunkSize); k++)
                AddArgs(args, tenantId, attempts[items[k]], windows[k]);
            calls[c] = db.ScriptEvaluateAsync(Script, keys, args.ToArray());
        }
        for (var c = 0; c < calls.Length; c++)
        {
            var answer = (RedisResult[])(await calls[c])!;
            var stale = (long)answer[0];
            if (stale != 0) throw new SuppressionIndexUnavailableException(listIds[(int)stale - 1]);
            var hits = ((string)answer[1]!).AsSpan();
            var read = (RedisResult[])answer[2]!;
            var w = 0;
            for (var k = c * ChunkSize; k < Math.Min(items.Count, (c + 1) * ChunkSize); k++)
            {
                var comma = hits.IndexOf(',');
                var code = int.Parse(comma < 0 ? hits : hits[..comma], CultureInfo.InvariantCulture);
                hits = comma < 0 ? default : hits[(comma + 1)..];
                var a = attempts[items[k]];
                SuppressionHit? hit = code switch
                {
                    0 => null,
                    _ => ((code - 1) % 3) switch
                    {
                        0 => new SuppressionHit(listIds[(code - 1) / 3], SuppressionEntryType.Phone, a.E164!),
                        1 => new SuppressionHit(listIds[(code - 1) / 3], SuppressionEntryType.Email, a.Email!),
                        _ => new SuppressionHit(listIds[(code - 1) / 3], SuppressionEntryType.ClientId, a.ClientId!),
                    },
                };
                IReadOnlyList<AttemptRecord> phone = [], contact = [], client = [];
                if (windows[k])
                {
                    if ((a.E164 ?? a.Email) is not null) phone = Records(read[w++]);
                    if (a.ContactId is not null) contact = Records(read[w++]);
                    if (a.ClientId is not null) client = Records(read[w++]);
                }
                into[k] = new Facts(hit, phone, contact, client);
            }
        }
    }

    private void AddArgs(List<RedisValue> args, Guid tenantId, PreparedAttempt a, bool windows)
    {
        var mask = 0;
        if (a.E164 is not null) mask |= SuppressionIndex.IsNanp(a.E164) ? NanpPhone : OtherPhone;
        if (a.Email is not null) mask |= EmailValue;
        if (a.ClientId is not null) mask |= ClientIdValue;
        var subject = a.E164 ?? a.Email;
        if (windows)
        {
            if (subject is not null) mask |= PhoneWindow;
            if (a.ContactId is not null) mask |= ContactWindow;
            if (a.ClientId is not null) mask |= ClientWindow;
        }
        args.Add(mask);
        args.Add(a.At.ToUnixTimeMilliseconds());
        if (a.E164 is not null) args.Add(a.E164);
        if (a.Email is not null) args.Add(a.Email);
        if (a.ClientId is not null) args.Add(a.ClientId);
        if (!windows) return;
        if (subject is not null) args.Add(attempts.TenantKey(tenantId, "phone", subject));
        if (a.ContactId is not null) args.Add(attempts.TenantKey(tenantId, "contact", a.ContactId));
        if (a.ClientId is not null) args.Add(attempts.TenantKey(tenantId, "client", a.ClientId));
    }

    // Members are "{attempt id}|{result}", scores the attempt's time in unix ms (AttemptHistory.RecordAsync).
    private static List<AttemptRecord> Records(RedisResult flat)
    {
        var pairs = (RedisValue[])flat!;
        var list = new List<AttemptRecord>(pairs.Length / 2);
        for (var p = 0; p + 1 < pairs.Length; p += 2)
        {
            var member = pairs[p].ToString();
            var bar = member.IndexOf('|');
            var result = bar >= 0 && bar < member.Length - 1 ? member[(bar + 1)..] : null;
            list.Add(new AttemptRecord(DateTimeOffset.FromUnixTimeMilliseconds((long)(double)pairs[p + 1]), result));
        }
        return list;
    }
}

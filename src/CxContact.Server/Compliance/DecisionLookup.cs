using CxContact.Core.Compliance;
using CxContact.Core.Suppression;
using CxContact.Server.Suppression;
using System.Globalization;
using CxContact.Server.Compliance.Recovery;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// Everything a batch of decisions reads from Redis, as a few commands grouped per key and pipelined together: the
/// version stamp of every applicable list, one BITFIELD_RO per list and area code (all the batch's numbers in that
/// area code), one SMISMEMBER per list and set, one HMGET per list of timed entries, and the attempt windows each
/// attempt needs. A batch of 10,000 costs one round trip (two when a list has timed entries); Redis does the
/// per-number work inside single commands instead of one command per number.
/// <para>
/// It reads the key layout <see cref="SuppressionIndex"/> and <see cref="AttemptWindows"/> write, and the Redis marker
/// (<see cref="RedisEpoch"/>) after them in the same pipeline. Throws <see cref="RedisNotCurrentException"/> when Redis
/// lost its data or is being rebuilt, and <see cref="SuppressionIndexUnavailableException"/> when a list has no version
/// stamp; Redis errors surface as they are. All mean the caller cannot know, and must deny. Needs Redis 6.2
/// (SMISMEMBER, BITFIELD_RO).
/// </para>
/// </summary>
public sealed class DecisionLookup(IConnectionMultiplexer redis, SuppressionIndex index, AttemptWindows attemptWindows, AttemptHorizon horizon, RedisEpoch epoch)
{
    /// <summary>Up to this many attempts the timed entries are read in the first round trip, present or not.</summary>
    public const int TimedInFirstTripUpTo = 16;

    private static readonly BitFieldEncoding U1 = BitFieldEncoding.Unsigned(1);

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
        var n = items.Count;
        var expected = epoch.Expect();
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();

        // Which values each attempt asks about, grouped so each key is asked once. NANP numbers are sorted by area code
        // (a counting sort over the 1,000 codes): nanp[npaStart[i]..npaStart[i + 1]) are the attempts of area code npas[i].
        var nanp = new int[n];
        var bits = new BitFieldOperation[n];
        var npaCount = new int[1000];
        var nanpCount = 0;
        List<int>? otherPhones = null, emails = null, clients = null;
        for (var k = 0; k < n; k++)
        {
            var a = attempts[items[k]];
            if (a.E164 is { } p)
            {
                if (SuppressionIndex.IsNanp(p))
                {
                    npaCount[Npa(p)]++;
                    nanpCount++;
                }
                else (otherPhones ??= []).Add(k);
            }
            if (a.Email is not null) (emails ??= []).Add(k);
            if (a.ClientId is not null) (clients ??= []).Add(k);
        }
        var npas = new List<int>();
        var npaStart = new List<int>();
        var next = new int[1000];
        for (int code = 0, at = 0; code < 1000; code++)
        {
            if (npaCount[code] == 0) continue;
            npas.Add(code);
            npaStart.Add(at);
            next[code] = at;
            at += npaCount[code];
        }
        npaStart.Add(nanpCount);
        for (var k = 0; k < n; k++)
            if (attempts[items[k]].E164 is { } p && SuppressionIndex.IsNanp(p))
            {
                var slot = next[Npa(p)]++;
                nanp[slot] = k;
                bits[slot] = BitFieldOperation.Get(U1, Offset(p));
            }

        var lists = new ListReads[listIds.Count];
        var timedFirst = n <= TimedInFirstTripUpTo;
        for (var l = 0; l < lists.Length; l++)
        {
            var b = index.BaseKey(tenantId, listIds[l]);
            var r = lists[l] = new ListReads
            {
                Version = batch.KeyExistsAsync(b + "version"),
                TimedExists = timedFirst ? null : batch.KeyExistsAsync(b + "timed"),
                Timed = timedFirst ? batch.HashGetAsync(b + "timed", TimedFields(attempts, items)) : null,
                Npa = [],
            };
            // One BITFIELD_RO per area code: GET u1 at each number's bit, in the order of nanp[].
            for (var i = 0; i < npas.Count; i++)
                r.Npa.Add(batch.StringBitFieldAsync(b + "npa:" + npas[i].ToString("000", CultureInfo.InvariantCulture),
                    bits.AsMemory(npaStart[i], npaStart[i + 1] - npaStart[i])));
            if (otherPhones is not null) r.OtherPhones = batch.SetContainsAsync(b + "set:phone", Values(otherPhones, k => attempts[items[k]].E164!));
            if (emails is not null) r.Emails = batch.SetContainsAsync(b + "set:email", Values(emails, k => attempts[items[k]].Email!));
            if (clients is not null) r.Clients = batch.SetContainsAsync(b + "set:clientId", Values(clients, k => attempts[items[k]].ClientId!));
        }

        // Attempt windows: three keys at most per attempt, only where a rule could count them.
        // Most batches need none: the array is made for the first attempt that does.
        Task<SortedSetEntry[]>?[]? reads = null;
        for (var k = 0; k < n; k++)
        {
            if (!windows[k]) continue;
            reads ??= new Task<SortedSetEntry[]>?[n * 3];
            var a = attempts[items[k]];
            var max = a.At.ToUnixTimeMilliseconds();
            var min = (a.At - horizon.Current).ToUnixTimeMilliseconds();
            if ((a.E164 ?? a.Email) is { } subject) reads[k * 3] = batch.SortedSetRangeByScoreWithScoresAsync(attemptWindows.Key(tenantId, "phone", subject), min, max);
            if (a.ContactId is { } contact) reads[k * 3 + 1] = batch.SortedSetRangeByScoreWithScoresAsync(attemptWindows.Key(tenantId, "contact", contact), min, max);
            if (a.ClientId is { } client) reads[k * 3 + 2] = batch.SortedSetRangeByScoreWithScoresAsync(attemptWindows.Key(tenantId, "client", client), min, max);
        }
        // Last in the pipeline: the marker, which proves that Redis still held its data when the reads above ran. It is
        // also what makes a batch with no list and no window reach Redis at all, so an outage never decides "allow"
        // without having read anything.
        var marker = epoch.ReadAsync(batch);
        batch.Execute();
        epoch.Verify(expected, await marker);

        for (var l = 0; l < lists.Length; l++)
            if (!await lists[l].Version) throw new SuppressionIndexUnavailableException(listIds[l]);

        // Per attempt and list, which of its values is a member (bit 1 phone, 2 email, 4 client id).
        var member = new byte[n * lists.Length];
        for (var l = 0; l < lists.Length; l++)
        {
            var r = lists[l];
            for (var i = 0; i < r.Npa.Count; i++)
            {
                using var found = await r.Npa[i];
                var values = found.Span;
                var start = npaStart[i];
                if (values.Length != npaStart[i + 1] - start) throw new RedisException($"BITFIELD_RO answered {values.Length} values for {npaStart[i + 1] - start}");
                for (var g = 0; g < values.Length; g++)
                {
                    if (values[g] is not { } bit) throw new RedisException("BITFIELD_RO skipped a GET");
                    if (bit != 0) member[nanp[start + g] * lists.Length + l] |= 1;
                }
            }
            await Mark(r.OtherPhones, otherPhones, 1);
            await Mark(r.Emails, emails, 2);
            await Mark(r.Clients, clients, 4);

            async Task Mark(Task<bool[]>? task, List<int>? group, byte bit)
            {
                if (task is null) return;
                var found = await task;
                for (var g = 0; g < group!.Count; g++) if (found[g]) member[group[g] * lists.Length + l] |= bit;
            }
        }
        // A second trip only for lists that have timed entries (few do): asking every batch for 10,000 absent fields
        // would cost more than the round trip.
        if (!timedFirst)
        {
            var second = db.CreateBatch();
            var any = false;
            for (var l = 0; l < lists.Length; l++)
                if (await lists[l].TimedExists!)
                {
                    lists[l].Timed = second.HashGetAsync(index.BaseKey(tenantId, listIds[l]) + "timed", TimedFields(attempts, items));
                    any = true;
                }
            if (any)
            {
                var again = epoch.ReadAsync(second);
                second.Execute();
                epoch.Verify(expected, await again);
            }
        }
        var timed = new RedisValue[]?[lists.Length];
        for (var l = 0; l < lists.Length; l++) timed[l] = lists[l].Timed is { } t ? await t : null;

        for (var k = 0; k < n; k++)
        {
            var a = attempts[items[k]];
            into[k] = reads is null ? new Facts(Hit(a, k), [], [], [])
                : new Facts(Hit(a, k), await Records(reads[k * 3]), await Records(reads[k * 3 + 1]), await Records(reads[k * 3 + 2]));
        }

        // The first list, then the first value (phone, email, client id) that is suppressed: FindAsync's order.
        SuppressionHit? Hit(PreparedAttempt a, int k)
        {
            for (var l = 0; l < lists.Length; l++)
            {
                var m = member[k * lists.Length + l];
                var t = timed[l];
                var f = k * 3;
                if (a.E164 is not null && ((m & 1) != 0 || Active(t, f, a.At))) return new SuppressionHit(listIds[l], SuppressionEntryType.Phone, a.E164);
                if (a.Email is not null && ((m & 2) != 0 || Active(t, f + 1, a.At))) return new SuppressionHit(listIds[l], SuppressionEntryType.Email, a.Email);
                if (a.ClientId is not null && ((m & 4) != 0 || Active(t, f + 2, a.At))) return new SuppressionHit(listIds[l], SuppressionEntryType.ClientId, a.ClientId);
            }
            return null;
        }

        static bool Active(RedisValue[]? timed, int field, DateTimeOffset at) =>
            timed is not null && timed[field] is { IsNull: false } w && SuppressionIndex.ActiveAt(w.ToString(), at);
    }

    /// <summary>The area code of a NANP E.164 number ("+1" and ten digits, see <see cref="SuppressionIndex.IsNanp"/>).</summary>
    private static int Npa(string e164) => (e164[2] - '0') * 100 + (e164[3] - '0') * 10 + (e164[4] - '0');

    /// <summary>The number's bit in its area code's bitmap: the seven digits after the area code (<see cref="SuppressionIndex.Offset"/>).</summary>
    private static long Offset(string e164)
    {
        var offset = 0;
        for (var i = 5; i < 12; i++) offset = offset * 10 + (e164[i] - '0');
        return offset;
    }

    private sealed class ListReads
    {
        public required Task<bool> Version;
        public Task<bool>? TimedExists;
        public Task<RedisValue[]>? Timed;
        public required List<Task<Lease<long?>>> Npa;
        public Task<bool[]>? OtherPhones, Emails, Clients;
    }

    /// <summary>Three timed-hash fields per attempt (phone, email, client id), in attempt order; absent values ask for "".</summary>
    private static RedisValue[] TimedFields(IReadOnlyList<PreparedAttempt> attempts, IReadOnlyList<int> items)
    {
        var fields = new RedisValue[items.Count * 3];
        for (var k = 0; k < items.Count; k++)
        {
            var a = attempts[items[k]];
            fields[k * 3] = a.E164 is null ? "" : "phone:" + a.E164;
            fields[k * 3 + 1] = a.Email is null ? "" : "email:" + a.Email;
            fields[k * 3 + 2] = a.ClientId is null ? "" : "clientId:" + a.ClientId;
        }
        return fields;
    }

    private static RedisValue[] Values(List<int> group, Func<int, string> value)
    {
        var values = new RedisValue[group.Count];
        for (var g = 0; g < values.Length; g++) values[g] = value(group[g]);
        return values;
    }

    private static async ValueTask<IReadOnlyList<AttemptRecord>> Records(Task<SortedSetEntry[]>? read) =>
        read is null ? [] : (await read).Select(AttemptWindows.ToRecord).ToList();
}

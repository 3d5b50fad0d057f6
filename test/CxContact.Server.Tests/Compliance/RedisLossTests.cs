using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Suppression;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Server.Tests.Compliance;

/// <summary>
/// Redis losing its data is a normal event: under validation traffic, a FLUSHALL, a Redis that restarts empty, one that
/// restarts from an older snapshot, and one that stalls writes. Every answer is checked against an oracle computed from
/// PostgreSQL (suppression entries and call_attempts): never an allow the oracle denies, "compliance-rebuilding" while
/// Redis is rebuilt, and afterwards exactly the oracle's answers again. Each test has a Redis of its own.
/// </summary>
public sealed class RedisLossTests : ServerOnPrivateRedis
{
    private const string Florida = "+13055550";  // Miami: the shipped rule us-fl-3-per-24h allows 3 attempts in 24 hours
    private const string Florida24h = "us-fl-3-per-24h";

    [Fact]
    public async Task A_flushall_and_an_empty_restart_under_traffic_never_allow_what_postgres_denies_and_recover_exactly()
    {
        var now = CallingHours.NextEasternNoon();
        // A tenant without suppression lists (only the attempt windows are in Redis) and one with a list.
        var bare = await TenantAsync("Bare");
        var listed = await TenantAsync("Listed");
        var lists = new SuppressionClient(listed.Http);
        var dnc = await lists.CreateListAsync();
        await lists.AddAsync(dnc, new { type = "phone", value = "+14155550101" }, new { type = "phone", value = "+12125550102" });
        foreach (var t in new[] { bare, listed })
        {
            for (var i = 3; i >= 1; i--) await AttemptAsync(t.Http, Florida + "111", now.AddMinutes(-i)); // three a minute apart: denied
            await AttemptAsync(t.Http, Florida + "222", now.AddMinutes(-2));                                 // one: allowed
        }
        string[] numbers = [Florida + "111", Florida + "222", "+14155550101", "+12125550102", "+12125550199", "+13125550123"];
        var traffic = new Traffic([bare, listed], numbers, now);
        var oracle = await OracleAsync([bare, listed], numbers, now);
        Assert.Contains(oracle.Values, o => o.Allowed);
        Assert.Contains(oracle.Values, o => o.Rule == Florida24h);
        Assert.Contains(oracle.Values, o => o.Rule == "suppressed");
        Assert.Equal(oracle, await traffic.OnceAsync());

        await using (traffic.Run())
        {
            await Task.Delay(500);
            var flushed = DateTimeOffset.UtcNow;
            Redis.Flush();
            var noticed = await traffic.UntilAsync(flushed, a => a.Rule == "compliance-rebuilding", TimeSpan.FromSeconds(10));
            Assert.True(noticed - flushed < TimeSpan.FromSeconds(3), $"the loss was noticed {(noticed - flushed).TotalSeconds:0.0} s after the FLUSHALL");
            await RecoveredAsync(traffic, oracle);

            var restarted = DateTimeOffset.UtcNow;
            Redis.RestartEmpty();
            await traffic.UntilAsync(restarted, a => a.Rule is "compliance-rebuilding" or "compliance-unavailable", TimeSpan.FromSeconds(10));
            await RecoveredAsync(traffic, oracle);
        }

        traffic.AssertNoWrongAllow(oracle, DateTimeOffset.MinValue);
        Assert.Contains(traffic.Answers, a => a.Rule == "compliance-rebuilding" && a.NextAllowedAt is null);
        var ready = await HttpAssert.Json(await Api.Client().GetAsync("/health/ready"), HttpStatusCode.OK);
        Assert.Contains("index marker", ready.GetProperty("checks").GetProperty("compliance-index").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_redis_restarted_from_an_older_snapshot_is_rebuilt_before_it_answers()
    {
        var now = CallingHours.NextEasternNoon();
        var tenant = await TenantAsync("Snapshot");
        string[] numbers = [Florida + "333", "+12125550177"];
        await AttemptAsync(tenant.Http, Florida + "333", now.AddMinutes(-5));
        var traffic = new Traffic([tenant], numbers, now);
        Assert.Equal("allow", (await traffic.OnceAsync()).Values.First().Decision);

        // The snapshot has one attempt; two more land after it, so the snapshot alone would still allow the number.
        Redis.Save();
        await AttemptAsync(tenant.Http, Florida + "333", now.AddMinutes(-4));
        await AttemptAsync(tenant.Http, Florida + "333", now.AddMinutes(-3));
        var oracle = await OracleAsync([tenant], numbers, now);
        Assert.Equal(Florida24h, oracle[(tenant.Id, Florida + "333")].Rule);
        Assert.Equal(oracle, await traffic.OnceAsync());

        var since = DateTimeOffset.UtcNow;
        await using (traffic.Run())
        {
            Redis.Stop(save: false);
            Redis.StartAgain(); // loads the older snapshot, marker and all
            await traffic.UntilAsync(since, a => a.Rule is "compliance-rebuilding" or "compliance-unavailable", TimeSpan.FromSeconds(10));
            await RecoveredAsync(traffic, oracle);
        }
        traffic.AssertNoWrongAllow(oracle, since);
    }

    [Fact]
    public async Task An_attempt_that_reached_postgres_but_not_redis_is_counted_before_anything_is_allowed_again()
    {
        var now = CallingHours.NextEasternNoon();
        var tenant = await TenantAsync("Stalled");
        string[] numbers = [Florida + "444", "+12125550166"];
        await AttemptAsync(tenant.Http, Florida + "444", now.AddMinutes(-5));
        await AttemptAsync(tenant.Http, Florida + "444", now.AddMinutes(-4));
        var traffic = new Traffic([tenant], numbers, now);
        Assert.All((await traffic.OnceAsync()).Values, a => Assert.Equal("allow", a.Decision));

        await using (traffic.Run())
        {
            // Redis keeps answering reads but stalls writes past the client's timeout: the third attempt is saved in
            // PostgreSQL, its window write times out, and Redis itself (same process, same data) never lost anything.
            Redis.PauseWrites(TimeSpan.FromSeconds(3));
            await AttemptAsync(tenant.Http, Florida + "444", now.AddMinutes(-3));
            var recorded = DateTimeOffset.UtcNow;
            var oracle = await OracleAsync([tenant], numbers, now);
            Assert.Equal(Florida24h, oracle[(tenant.Id, Florida + "444")].Rule);
            await RecoveredAsync(traffic, oracle);
            // Asked after the third attempt was recorded: never allowed, although Redis never lost its data.
            traffic.AssertNoWrongAllow(oracle, recorded);
        }
    }

    [Fact]
    public async Task A_rule_set_that_counts_further_back_reloads_older_attempts_before_it_decides()
    {
        var now = CallingHours.NextEasternNoon();
        var tenant = await TenantAsync("Long window");
        const string phone = "+12125550155";
        await AttemptAsync(tenant.Http, phone, now.AddDays(-20)); // older than anything the defaults count
        Assert.Equal("allow", (await ValidateAsync(tenant.Http, new { dialingMode = "preview", phone, at = now })).GetProperty("decision").GetString());

        await HttpAssert.Json(await tenant.Http.PutAsync("/api/v1/rule-sets/monthly", new StringContent(JsonSerializer.Serialize(new
        {
            attemptLimits = new[]
            {
                new { id = "one-a-month", citation = "house policy", effectiveFrom = "2020-01-01", country = "US", max = 1, window = "P30D", per = "phone" },
            },
        }), System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.OK);

        // From the save on, the 20-day-old attempt counts: never "allow" under the new set, "one-a-month" once reloaded.
        var rule = await Eventually.UntilAsync(async () =>
        {
            var d = await ValidateAsync(tenant.Http, new { dialingMode = "preview", phone, ruleSetId = "monthly", at = now });
            Assert.Equal("deny", d.GetProperty("decision").GetString());
            var first = d.GetProperty("reasons")[0].GetProperty("rule").GetString();
            Assert.True(first is "one-a-month" or "compliance-rebuilding", $"unexpected {d}");
            return first;
        }, r => r == "one-a-month", TimeSpan.FromSeconds(30));
        Assert.Equal("one-a-month", rule);

        var tooLong = await tenant.Http.PutAsync("/api/v1/rule-sets/yearly", new StringContent(JsonSerializer.Serialize(new
        {
            attemptLimits = new[] { new { id = "one-a-year", citation = "house policy", effectiveFrom = "2020-01-01", max = 1, window = "P365D" } },
        }), System.Text.Encoding.UTF8, "application/json"));
        // The set is validated merged with the defaults, so the path counts the defaults' limits first.
        var problem = await HttpAssert.Problem(tooLong, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("attemptLimits[") && e.Name.EndsWith("].window")
            && e.Value[0].GetString()!.Contains("at most 90 days"));
    }

    [Fact]
    public async Task A_redis_that_evicts_keys_is_not_trusted_until_it_holds_everything_again()
    {
        var now = CallingHours.NextEasternNoon();
        var tenant = await TenantAsync("Evicted");
        string[] numbers = [Florida + "555", "+12125550144"];
        for (var i = 3; i >= 1; i--) await AttemptAsync(tenant.Http, Florida + "555", now.AddMinutes(-i));
        var oracle = await OracleAsync([tenant], numbers, now);
        var traffic = new Traffic([tenant], numbers, now);
        Assert.Equal(oracle, await traffic.OnceAsync());

        var since = DateTimeOffset.UtcNow;
        await using (traffic.Run())
        {
            // Out of memory with an evicting policy: at its next command Redis drops keys that have a time to live
            // (attempt windows, this number's among them) to make room, silently; the marker has none and stays. Then
            // memory is plentiful again, and nothing but the eviction count says that anything is missing.
            Redis.Configure("maxmemory-policy", "volatile-random");
            Redis.Configure("maxmemory", "1");
            Redis.Info("used_memory"); // the next command makes room first
            Redis.Configure("maxmemory", "0");
            var evicted = Redis.Info("evicted_keys");
            Assert.NotEqual("0", evicted);
            // The server notices: an answer says so, or, when the traffic's requests missed the moments before the
            // rebuild (a loaded machine), the rebuild has written a marker that counts this eviction (only a rebuild
            // started after it can).
            Assert.True(await Eventually.UntilAsync(() => traffic.Saw(since, a => a.Detail?.Contains("evicted keys") == true)
                || Redis.GetMatching("*epoch")?.EndsWith(":" + evicted, StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10)),
                $"no sign the eviction was noticed in 10 s; the marker reads {Redis.GetMatching("*epoch")}");
            await RecoveredAsync(traffic, oracle);
        }
        traffic.AssertNoWrongAllow(oracle, since);
    }

    private async Task RecoveredAsync(Traffic traffic, IReadOnlyDictionary<(Guid, string), Answer> oracle)
    {
        bool Recovered(Dictionary<(Guid, string), Answer> answers) => answers.Count == oracle.Count && answers.All(kv => oracle[kv.Key] == kv.Value);
        var now = await Eventually.UntilAsync(traffic.OnceAsync, Recovered, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.True(Recovered(now), $"not recovered in 60 s: {string.Join("; ", now.Select(kv => $"{kv.Key.Item2}={kv.Value}"))}");
    }

    /// <summary>What each number's answer must be, from PostgreSQL: on a live suppression list of the tenant, or a Florida number with 3 attempts in the last 24 hours.</summary>
    private async Task<Dictionary<(Guid, string), Answer>> OracleAsync(IReadOnlyList<Tenant> tenants, IReadOnlyList<string> numbers, DateTimeOffset at)
    {
        await using var db = NpgsqlDataSource.Create(Api.Postgres);
        var oracle = new Dictionary<(Guid, string), Answer>();
        foreach (var t in tenants)
            foreach (var n in numbers)
            {
                await using var cmd = db.CreateCommand("""
                    SELECT EXISTS (SELECT 1 FROM suppression_entries e JOIN suppression_lists l USING (list_id)
                                   WHERE e.tenant_id = @t AND l.deleted_at IS NULL AND e.type = 'phone' AND e.value = @n),
                           (SELECT count(*) FROM call_attempts WHERE tenant_id = @t AND phone = @n AND at > @at - interval '24 hours' AND at <= @at)
                    """);
                cmd.Parameters.AddWithValue("t", t.Id);
                cmd.Parameters.AddWithValue("n", n);
                cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                var (suppressed, attempts) = (r.GetBoolean(0), r.GetInt64(1));
                oracle[(t.Id, n)] = suppressed ? new Answer("deny", "suppressed", null)
                    : n.StartsWith(Florida) && attempts >= 3 ? new Answer("deny", Florida24h, null)
                    : new Answer("allow", null, null);
            }
        return oracle;
    }

    private async Task<Tenant> TenantAsync(string name)
    {
        var created = await HttpAssert.Json(await Api.Admin().PostJson("/api/v1/tenants", new { name = $"{name} {Guid.NewGuid():N}" }), HttpStatusCode.Created);
        return new Tenant(created.GetProperty("tenant").GetProperty("id").GetGuid(), Api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    private static async Task AttemptAsync(HttpClient http, string phone, DateTimeOffset at) =>
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostJson("/api/v1/compliance/attempts", new { phone, at, result = "no-answer" })).StatusCode);

    private static async Task<JsonElement> ValidateAsync(HttpClient http, object body) =>
        await HttpAssert.Json(await http.PostJson("/api/v1/compliance/validate", body), HttpStatusCode.OK);

    private sealed record Tenant(Guid Id, HttpClient Http);

    /// <summary>An answer as the oracle sees it: the decision and the first rule (the deciding one); the rest is detail.</summary>
    private sealed record Answer(string Decision, string? Rule, DateTimeOffset? NextAllowedAt, string? Detail = null)
    {
        public bool Allowed => Decision == "allow";
        public bool Equals(Answer? other) => other is not null && other.Decision == Decision && other.Rule == Rule;
        public override int GetHashCode() => HashCode.Combine(Decision, Rule);
    }

    /// <summary>Batch validations of every number for every tenant, at "now", in a loop; every answer is kept with when it was asked.</summary>
    private sealed class Traffic(IReadOnlyList<Tenant> tenants, IReadOnlyList<string> numbers, DateTimeOffset at)
    {
        private readonly ConcurrentQueue<(DateTimeOffset Asked, Guid Tenant, string Number, Answer Answer)> _log = new();
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;

        public IReadOnlyList<Answer> Answers => _log.Select(l => l.Answer).ToList();

        public async Task<Dictionary<(Guid, string), Answer>> OnceAsync()
        {
            var all = new Dictionary<(Guid, string), Answer>();
            foreach (var t in tenants)
            {
                var asked = DateTimeOffset.UtcNow;
                var response = await t.Http.PostJson("/api/v1/compliance/validate-batch", new { items = numbers.Select(n => new { dialingMode = "preview", phone = n, at }).ToArray() });
                var results = (await HttpAssert.Json(response, HttpStatusCode.OK)).GetProperty("results");
                for (var i = 0; i < numbers.Count; i++)
                {
                    var r = results[i];
                    var reasons = r.GetProperty("reasons");
                    var answer = new Answer(r.GetProperty("decision").GetString()!, reasons.GetArrayLength() > 0 ? reasons[0].GetProperty("rule").GetString() : null,
                        r.TryGetProperty("nextAllowedAt", out var next) && next.ValueKind == JsonValueKind.String ? next.GetDateTimeOffset() : null,
                        reasons.GetArrayLength() > 0 ? reasons[0].GetProperty("detail").GetString() : null);
                    all[(t.Id, numbers[i])] = answer;
                    _log.Enqueue((asked, t.Id, numbers[i], answer));
                }
            }
            return all;
        }

        public IAsyncDisposable Run()
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    await OnceAsync();
                    await Task.Delay(25);
                }
            });
            return new Stopper(this);
        }

        /// <summary>Whether an answer asked after <paramref name="from"/> matched.</summary>
        public bool Saw(DateTimeOffset from, Func<Answer, bool> condition) => _log.Any(l => l.Asked >= from && condition(l.Answer));

        /// <summary>Waits for the first answer asked after <paramref name="from"/> that matches; returns when it was asked.</summary>
        public async Task<DateTimeOffset> UntilAsync(DateTimeOffset from, Func<Answer, bool> condition, TimeSpan timeout)
        {
            var seen = await Eventually.UntilAsync(async () =>
            {
                if (_loop is { IsFaulted: true }) await _loop; // the traffic's own failure, not a timeout
                return _log.Where(l => l.Asked >= from && condition(l.Answer)).Select(l => (DateTimeOffset?)l.Asked).FirstOrDefault();
            }, (DateTimeOffset? asked) => asked is not null, timeout, TimeSpan.FromMilliseconds(20));
            return seen ?? throw new TimeoutException("no such answer was seen: " + string.Join(", ", _log.TakeLast(10).Select(l => l.Answer)));
        }

        /// <summary>No answer asked after <paramref name="since"/> allowed a number the oracle denies.</summary>
        public void AssertNoWrongAllow(IReadOnlyDictionary<(Guid, string), Answer> oracle, DateTimeOffset since)
        {
            var wrong = _log.Where(l => l.Asked >= since && l.Answer.Allowed && !oracle[(l.Tenant, l.Number)].Allowed).ToList();
            Assert.True(wrong.Count == 0, $"{wrong.Count} false allow(s), e.g. {string.Join(", ", wrong.Take(3).Select(w => $"{w.Number} asked {w.Asked:HH:mm:ss.fff}"))}");
        }

        private sealed class Stopper(Traffic t) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await t._stop.CancelAsync();
                if (t._loop is not null) await t._loop; // an error in the loop (a non-200 answer) fails the test here
            }
        }
    }
}

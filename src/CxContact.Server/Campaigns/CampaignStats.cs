using CxContact.Server.Platform.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using CxContact.Server.CallingList;

namespace CxContact.Server.Campaigns;

/// <summary>
/// Live campaign statistics (the Stat Server role), computed in SQL from the calling list and the results, cached a
/// couple of seconds so dashboards and event streams polling together cost one query. Abandonment follows the
/// regulators: abandoned calls over live-answered calls (connected + abandoned) for one campaign, over 30 days
/// (FCC, 47 CFR 64.1200(a)(7)) and over 24 hours (Ofcom).
/// </summary>
public sealed class CampaignStats(NpgsqlDataSource db, CallingListStore callingList, IMemoryCache cache, PlatformClock clock, Messaging.MessageOutbox outbox)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    public sealed record Totals(long Records, long CallableNow, long Ready, long Leased, long Dialed, long Connected, long Abandoned, long Completed);
    public sealed record Rates(double Dialed, double Connected, double Abandoned);
    public sealed record Abandonment(string Window, long Abandoned, long LiveAnswered, double Rate, double Target, bool WithinTarget);
    /// <summary>
    /// Reasons: the records left out, by reason (as the preload report has them); Remaining: where every record
    /// stands; Messages: an SMS or email campaign's messages (queued, sent, delivered, failed, opted out, replies).
    /// </summary>
    public sealed record Snapshot(Guid CampaignId, string State, DateTimeOffset At, Totals Totals, IReadOnlyDictionary<string, long> Reasons,
        IReadOnlyDictionary<string, long> Remaining,
        Rates PerMinuteLastMinute, Rates PerMinuteLast15Minutes, Abandonment Fcc, Abandonment Ofcom, Messaging.MessagesApi.MessageStats? Messages);

    public async Task<Snapshot> GetAsync(Guid tenantId, Guid campaignId, string state, Core.Campaigns.CampaignDefinition def, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(("campaign-stats", campaignId, state), async e =>
        {
            e.AbsoluteExpirationRelativeToNow = CacheFor;
            return await ComputeAsync(tenantId, campaignId, state, def, ct);
        }))!;

    private async Task<Snapshot> ComputeAsync(Guid tenantId, Guid campaignId, string state, Core.Campaigns.CampaignDefinition def, CancellationToken ct)
    {
        var target = def.AbandonTarget;
        var now = clock.GetUtcNow();
        var (reasons, statuses) = await callingList.ReportAsync(campaignId, ct);
        var remaining = new Dictionary<string, long>(reasons);
        long callable = 0, leased = 0, ready = 0;
        await using (var cmd = db.CreateCommand($"""
            WITH first_pending AS (
                SELECT DISTINCT ON (chain_id) record_status, leased_until, coalesce(dial_sched_time, 0) AS due, daily_from, daily_till,
                       extract(epoch FROM (@now AT TIME ZONE tz_dbid)::time) AS secs
                FROM {CampaignStore.PartitionName(campaignId)} WHERE record_status IN ({RecordStatuses.Ready}, {RecordStatuses.Retrieved}) ORDER BY chain_id, chain_n)
            SELECT count(*) FILTER (WHERE free AND due <= @epoch AND secs >= daily_from AND secs < daily_till),
                   count(*) FILTER (WHERE NOT free),
                   count(*) FILTER (WHERE free AND due > @epoch),
                   count(*) FILTER (WHERE free AND due <= @epoch AND NOT (secs >= daily_from AND secs < daily_till)),
                   count(*) FILTER (WHERE free)
            FROM (SELECT *, record_status = {RecordStatuses.Ready} OR leased_until <= @now AS free FROM first_pending) p
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("epoch", now.ToUnixTimeSeconds());
            try
            {
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                (callable, leased, ready) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(4));
                remaining["callable-now"] = callable;
                remaining["scheduled-later"] = r.GetInt64(2);
                remaining["outside-calling-hours"] = r.GetInt64(3);
                remaining["leased"] = leased;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        }
        // Devices waiting behind an earlier device of the same contact.
        remaining["waiting-for-earlier-device"] = statuses.GetValueOrDefault(1) + statuses.GetValueOrDefault(2) - callable - leased
            - remaining.GetValueOrDefault("scheduled-later") - remaining.GetValueOrDefault("outside-calling-hours");

        long dialed = 0, connected = 0, abandoned = 0, d1 = 0, c1 = 0, a1 = 0, d15 = 0, c15 = 0, a15 = 0, c24 = 0, a24 = 0, c30 = 0, a30 = 0;
        await using (var cmd = db.CreateCommand("""
            SELECT count(*), count(*) FILTER (WHERE connected), count(*) FILTER (WHERE result = 'abandoned'),
                   count(*) FILTER (WHERE at > @m1), count(*) FILTER (WHERE at > @m1 AND connected), count(*) FILTER (WHERE at > @m1 AND result = 'abandoned'),
                   count(*) FILTER (WHERE at > @m15), count(*) FILTER (WHERE at > @m15 AND connected), count(*) FILTER (WHERE at > @m15 AND result = 'abandoned'),
                   count(*) FILTER (WHERE at > @h24 AND connected), count(*) FILTER (WHERE at > @h24 AND result = 'abandoned'),
                   count(*) FILTER (WHERE at > @d30 AND connected), count(*) FILTER (WHERE at > @d30 AND result = 'abandoned')
            FROM campaign_results WHERE tenant_id = @t AND campaign_id = @c
            """))
        {
            cmd.Parameters.AddWithValue("t", tenantId);
            cmd.Parameters.AddWithValue("c", campaignId);
            cmd.Parameters.AddWithValue("m1", now.AddMinutes(-1));
            cmd.Parameters.AddWithValue("m15", now.AddMinutes(-15));
            cmd.Parameters.AddWithValue("h24", now.AddHours(-24));
            cmd.Parameters.AddWithValue("d30", now.AddDays(-30));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var v = new long[13];
            for (var i = 0; i < 13; i++) v[i] = r.GetInt64(i);
            (dialed, connected, abandoned, d1, c1, a1, d15, c15, a15, c24, a24, c30, a30) =
                (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
        }
        var completed = statuses.GetValueOrDefault(3) + statuses.GetValueOrDefault(7);
        var records = statuses.Values.Sum();
        return new Snapshot(campaignId, state, now,
            new Totals(records, callable, ready, leased, dialed, connected, abandoned, completed),
            reasons, remaining,
            new Rates(d1, c1, a1), new Rates(d15 / 15.0, c15 / 15.0, a15 / 15.0),
            Rate("30d", a30, c30, target), Rate("24h", a24, c24, target),
            def.Channel == Core.Compliance.Channel.Voice ? null : await Messaging.MessagesApi.StatsAsync(tenantId, campaignId, def, outbox, db, ct));
    }

    private static Abandonment Rate(string window, long abandoned, long connected, double target)
    {
        var live = connected + abandoned;
        var rate = live == 0 ? 0 : (double)abandoned / live;
        return new Abandonment(window, abandoned, live, Math.Round(rate, 5), target, rate <= target);
    }
}

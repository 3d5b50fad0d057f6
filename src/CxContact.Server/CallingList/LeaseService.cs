using CxContact.Server.Platform.Hosting;
using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using CxContact.Server.Campaigns;
using CxContact.Server.Compliance;
using CxContact.Server.Platform.Storage;
using Npgsql;

namespace CxContact.Server.CallingList;

/// <summary>
/// The pull API's lease: pick records callable now (due, inside their local window, first pending device of their
/// chain, contact not being dialed by another campaign), mark them leased with FOR UPDATE SKIP LOCKED so concurrent
/// dialers never get the same record, take the contact's cross-campaign dial lock, then ask the Compliance Manager
/// about each. Records it denies go back to the pool: rescheduled at nextAllowedAt, or out for good with the reason
/// compliance-denied when no wait helps. A lease expires; an expired lease's records are leasable again.
/// </summary>
public sealed class LeaseService(NpgsqlDataSource db, ComplianceValidator compliance, PlatformClock clock)
{
    /// <summary>The most records one lease may ask for: a dialer wanting more asks again.</summary>
    public const int MaxCount = 500;
    private const int Rounds = 3;

    public async Task<Lease> LeaseAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, int count, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var leaseId = Guid.CreateVersion7();
        var until = now.AddSeconds(def.LeaseSeconds);
        var part = CampaignStore.PartitionName(campaignId);
        var granted = new List<LeasedRecord>(count);
        var deferred = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        for (var round = 0; round < Rounds && granted.Count < count; round++)
        {
            List<Picked> picked;
            try { picked = await PickAsync(conn, part, tenantId, campaignId, leaseId, now, until, count - granted.Count, ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && round < Rounds - 1)
            {
                // Two campaigns sharing contacts took dial locks at the same moment; the statement rolled back whole.
                continue;
            }
            if (picked.Count == 0) break;
            var unlocked = picked.Where(p => !p.Locked).Select(p => p.Record.RecordId).ToArray();
            var locked = picked.Where(p => p.Locked).ToList();
            var decisions = await compliance.DecideBatchAsync(tenantId, locked.Select(p => Attempt(p, campaignId, def, now)).ToList(), ct);
            var later = new List<(long Id, long? At)>();
            var denied = new List<long>();
            for (var i = 0; i < locked.Count; i++)
            {
                var d = decisions[i];
                if (d.Allowed) { granted.Add(locked[i].Record with { CallerId = def.CallerId }); continue; }
                // Fail closed, but not forever: an unavailable Compliance Manager, or one rebuilding its Redis data, defers
                // the record a minute (denied outright, it would stay out after the rebuild: a lasting false deny).
                var at = d.NextAllowedAt ?? (d.Reasons.Any(r => r.Rule is ComplianceEvaluator.ComplianceUnavailable or ComplianceEvaluator.ComplianceRebuilding)
                    ? now.AddMinutes(1) : null);
                if (at is { } t) later.Add((locked[i].Record.RecordId, t.ToUnixTimeSeconds()));
                else denied.Add(locked[i].Record.RecordId);
            }
            deferred += unlocked.Length + later.Count + denied.Count;
            await ReturnAsync(conn, part, tenantId, campaignId, leaseId, unlocked, later, denied, ct);
        }
        if (granted.Count > 0)
            await SqlCommands.ExecAsync(conn, null, """
                INSERT INTO campaign_leases (tenant_id, lease_id, campaign_id, created_at, expires_at, records) VALUES (@t, @l, @c, @now, @until, @n)
                """, ct, ("t", tenantId), ("l", leaseId), ("c", campaignId), ("now", now), ("until", until), ("n", granted.Count));
        return new Lease(leaseId, until, granted, deferred);
    }

    private sealed record Picked(LeasedRecord Record, bool Locked, RecordLocation Location, short DeviceType, bool? Consent, string? ClientId);

    private static async Task<List<Picked>> PickAsync(NpgsqlConnection conn, string part, Guid tenantId, Guid campaignId, Guid leaseId,
        DateTimeOffset now, DateTimeOffset until, int n, CancellationToken ct)
    {
        // The local time-of-day test uses the record's first zone; daily_from/daily_till are the preload's weekly
        // envelope, so this only skips records no rule could allow now; the Compliance Manager decides exactly.
        await using var cmd = new NpgsqlCommand($"""
            WITH cand AS (
                SELECT t.record_id FROM {part} t
                WHERE t.record_status IN ({RecordStatuses.Ready}, {RecordStatuses.Retrieved}) AND (t.record_status = {RecordStatuses.Ready} OR t.leased_until <= @now)
                  AND coalesce(t.dial_sched_time, 0) <= @epoch
                  AND t.daily_from <= extract(epoch FROM (@now AT TIME ZONE t.tz_dbid)::time)
                  AND extract(epoch FROM (@now AT TIME ZONE t.tz_dbid)::time) < t.daily_till
                  AND NOT EXISTS (SELECT 1 FROM {part} e WHERE e.chain_id = t.chain_id AND e.chain_n < t.chain_n AND e.record_status IN ({RecordStatuses.Ready}, {RecordStatuses.Retrieved}))
                  AND NOT EXISTS (SELECT 1 FROM contact_dial_locks l WHERE l.contact_id = t.contact_id AND l.until > @now)
                ORDER BY coalesce(t.dial_sched_time, 0), t.dial_order, t.chain_n
                LIMIT @n
                FOR UPDATE OF t SKIP LOCKED),
            leased AS (
                UPDATE {part} t SET record_status = {RecordStatuses.Retrieved}, lease_id = @lease, leased_until = @until
                FROM cand WHERE t.campaign_id = @campaign AND t.record_id = cand.record_id
                RETURNING t.record_id, t.contact_id, t.list_id, t.contact_info, t.contact_info_type, t.chain_id, t.chain_n, t.attempt,
                          t.tz_dbid, t.daily_from, t.daily_till, t.client_id, t.device_type, t.country, t.region, t.zones, t.autodial_consent,
                          coalesce(t.dial_sched_time, 0) AS due, t.dial_order, t.phone_region, t.area_code),
            -- In contact order, so two campaigns sharing contacts take their locks in one order and never deadlock.
            locked AS (
                INSERT INTO contact_dial_locks (tenant_id, contact_id, campaign_id, lease_id, until)
                SELECT @tenant, contact_id, @campaign, @lease, @until FROM leased ORDER BY contact_id
                ON CONFLICT (contact_id) DO UPDATE SET campaign_id = excluded.campaign_id, lease_id = excluded.lease_id, until = excluded.until
                    WHERE contact_dial_locks.until <= @now
                RETURNING contact_id)
            SELECT l.*, k.contact_id IS NOT NULL AS locked FROM leased l LEFT JOIN locked k ON k.contact_id = l.contact_id
            ORDER BY l.due, l.dial_order, l.chain_n
            """, conn);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("epoch", now.ToUnixTimeSeconds());
        cmd.Parameters.AddWithValue("until", until);
        cmd.Parameters.AddWithValue("lease", leaseId);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("campaign", campaignId);
        cmd.Parameters.AddWithValue("n", n);
        var list = new List<Picked>(n);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var type = r.GetInt16(12);
            var record = new LeasedRecord(r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetInt16(4), r.GetInt64(5), r.GetInt16(6),
                r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10),
                r.IsDBNull(11) ? null : r.GetString(11), ((DeviceType)type).ToWire(), null);
            var location = new RecordLocation(r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14),
                r.IsDBNull(15) ? null : r.GetString(15), r.IsDBNull(19) ? null : r.GetString(19), r.IsDBNull(20) ? null : r.GetInt16(20));
            list.Add(new Picked(record, r.GetBoolean(21), location, type, r.IsDBNull(16) ? null : r.GetBoolean(16), record.ClientId));
        }
        return list;
    }

    private static PreparedAttempt Attempt(Picked p, Guid campaignId, CampaignDefinition def, DateTimeOffset now) =>
        PreparedAttempt.ForRecord(p.Record.Phone, campaignId, def, p.ClientId, p.Record.ContactId, p.Location, p.DeviceType, p.Consent, now);

    /// <summary>Puts back what was picked but not granted, and frees those contacts' dial locks, in one transaction.</summary>
    private static async Task ReturnAsync(NpgsqlConnection conn, string part, Guid tenantId, Guid campaignId, Guid leaseId, long[] unlocked, List<(long Id, long? At)> later,
        List<long> denied, CancellationToken ct)
    {
        if (unlocked.Length == 0 && later.Count == 0 && denied.Count == 0) return;
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (unlocked.Length > 0)
            await SqlCommands.ExecAsync(conn, tx, $"UPDATE {part} SET record_status = {RecordStatuses.Ready}, lease_id = NULL, leased_until = NULL WHERE campaign_id = @c AND record_id = ANY(@ids) AND lease_id = @l",
                ct, ("c", campaignId), ("ids", unlocked), ("l", leaseId));
        if (later.Count > 0)
            await SqlCommands.ExecAsync(conn, tx, $"""
                UPDATE {part} t SET record_status = {RecordStatuses.Ready}, lease_id = NULL, leased_until = NULL, dial_sched_time = x.at
                FROM unnest(@ids, @ats) AS x(id, at) WHERE t.campaign_id = @c AND t.record_id = x.id AND t.lease_id = @l
                """, ct, ("ids", later.Select(x => x.Id).ToArray()), ("ats", later.Select(x => x.At!.Value).ToArray()), ("l", leaseId), ("c", campaignId));
        if (denied.Count > 0)
            await SqlCommands.ExecAsync(conn, tx, $"""
                UPDATE {part} SET record_status = {RecordStatuses.Cancelled}, reason = 'compliance-denied', lease_id = NULL, leased_until = NULL
                WHERE campaign_id = @c AND record_id = ANY(@ids) AND lease_id = @l
                """, ct, ("ids", denied.ToArray()), ("l", leaseId), ("c", campaignId));
        var freed = later.Select(x => x.Id).Concat(denied).ToArray();
        if (freed.Length > 0)
            await SqlCommands.ExecAsync(conn, tx, $"""
                DELETE FROM contact_dial_locks k USING {part} t
                WHERE t.campaign_id = @c AND t.record_id = ANY(@ids) AND k.tenant_id = @t AND k.contact_id = t.contact_id AND k.lease_id = @l
                """, ct, ("ids", freed), ("l", leaseId), ("t", tenantId), ("c", campaignId));
        await tx.CommitAsync(ct);
    }
}

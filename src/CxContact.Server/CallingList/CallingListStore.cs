using CxContact.Server.Platform.Storage;
using Npgsql;
using CxContact.Server.Campaigns;

namespace CxContact.Server.CallingList;

/// <summary>
/// The calling list's read side and life-cycle SQL: the preload report, one contact's rows, what is still pending,
/// and releasing every lease of a campaign (force stop). Leasing and results live in Dialing/.
/// </summary>
public sealed class CallingListStore(NpgsqlDataSource db)
{
    public sealed record ContactRow(
        long RecordId, string Phone, int ChainN, int RecordStatus, string? Reason, int Attempt, string? Result, DateTimeOffset? NextDialAt,
        int? DailyFrom, int? DailyTill, string? TimeZone, Compliance.RecordLocation Location, short DeviceType, bool? Consent,
        Guid ListId, string? ClientId, DateTimeOffset? LeasedUntil, int Retries);

    /// <summary>Rows by reason (excluded), and by status for the rest: what the preload report shows.</summary>
    public async Task<(Dictionary<string, long> Reasons, Dictionary<int, long> Statuses)> ReportAsync(Guid campaignId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT reason, record_status, count(*) FROM {CampaignStore.PartitionName(campaignId)} GROUP BY 1, 2");
        var reasons = new Dictionary<string, long>();
        var statuses = new Dictionary<int, long>();
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var n = r.GetInt64(2);
                if (!r.IsDBNull(0)) reasons[r.GetString(0)] = reasons.GetValueOrDefault(r.GetString(0)) + n;
                statuses[r.GetInt16(1)] = statuses.GetValueOrDefault(r.GetInt16(1)) + n;
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        return (reasons, statuses);
    }

    public async Task<IReadOnlyList<ContactRow>> ContactAsync(Guid campaignId, Guid contactId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT record_id, contact_info, chain_n, record_status, reason, attempt, result, dial_sched_time, daily_from, daily_till,
                   tz_dbid, zones, country, region, device_type, autodial_consent, list_id, client_id, leased_until, retries, phone_region, area_code
            FROM {CampaignStore.PartitionName(campaignId)} WHERE campaign_id = @c AND contact_id = @k ORDER BY chain_n
            """);
        cmd.Parameters.AddWithValue("c", campaignId);
        cmd.Parameters.AddWithValue("k", contactId);
        var list = new List<ContactRow>();
        NpgsqlDataReader r;
        try { r = await cmd.ExecuteReaderAsync(ct); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { return list; } // not preloaded yet
        await using var _ = r;
        while (await r.ReadAsync(ct))
            list.Add(new ContactRow(r.GetInt64(0), r.GetString(1), r.GetInt16(2), r.GetInt16(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) || r.GetInt64(7) == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(7)),
                r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10),
                new Compliance.RecordLocation(r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(11) ? null : r.GetString(11),
                    r.IsDBNull(20) ? null : r.GetString(20), r.IsDBNull(21) ? null : r.GetInt16(21)),
                r.GetInt16(14), r.IsDBNull(15) ? null : r.GetBoolean(15), r.GetGuid(16), r.IsDBNull(17) ? null : r.GetString(17),
                r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18), r.GetInt32(19)));
        return list;
    }

    /// <summary>Records still to dial (ready) and out with a dialer under a live lease.</summary>
    public async Task<(long Ready, long Leased)> PendingAsync(Guid campaignId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT count(*) FILTER (WHERE record_status = {RecordStatuses.Ready} OR (record_status = {RecordStatuses.Retrieved} AND leased_until <= @now)),
                   count(*) FILTER (WHERE record_status = {RecordStatuses.Retrieved} AND leased_until > @now)
            FROM {CampaignStore.PartitionName(campaignId)} WHERE record_status IN ({RecordStatuses.Ready}, {RecordStatuses.Retrieved})
            """);
        cmd.Parameters.AddWithValue("now", now);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return (r.GetInt64(0), r.GetInt64(1));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { return (0, 0); }
    }

    /// <summary>Force stop: every leased record goes back to ready, its lease ends now, and its contacts are freed.</summary>
    public async Task ReleaseAllLeasesAsync(Guid tenantId, Guid campaignId, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SqlCommands.ExecAsync(conn, tx, $"""
            DO $$ BEGIN
                UPDATE {CampaignStore.PartitionName(campaignId)} SET record_status = {RecordStatuses.Ready}, lease_id = NULL, leased_until = NULL WHERE record_status = {RecordStatuses.Retrieved};
            EXCEPTION WHEN undefined_table THEN NULL; -- never preloaded: nothing is leased
            END $$
            """, ct);
        await SqlCommands.ExecAsync(conn, tx, "UPDATE campaign_leases SET expires_at = @now WHERE tenant_id = @t AND campaign_id = @c AND expires_at > @now", ct,
            ("t", tenantId), ("c", campaignId), ("now", now));
        await SqlCommands.ExecAsync(conn, tx, "DELETE FROM contact_dial_locks WHERE tenant_id = @t AND campaign_id = @c", ct, ("t", tenantId), ("c", campaignId));
        await tx.CommitAsync(ct);
    }
}

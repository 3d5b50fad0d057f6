using CxContact.Server.Platform.Hosting;
using CxContact.Core.Campaigns;
using CxContact.Server.Campaigns;
using CxContact.Server.Compliance;
using Npgsql;

namespace CxContact.Server.Dialing;

/// <summary>
/// Applies one call result, exactly once. In one transaction: lock the record, check that it is out under this
/// lease and the lease is live, let the contact strategy choose what follows (retry at a time, next device, done,
/// suppress), update the record and its chain, keep the result (its (lease, record) key makes a repeat a replay),
/// free the contact for other campaigns and count the attempt on the contact. After the commit the attempt goes to
/// the attempt history (compliance windows), and a do-not-call request to the DNC list.
/// </summary>
public sealed class ResultRecorder(NpgsqlDataSource db, AttemptHistory attempts, DncWriter dnc, PlatformClock clock, ILogger<ResultRecorder> log)
{
    public sealed record Request(Guid LeaseId, long RecordId, CallResult Result, string? Disposition, DateTimeOffset? At, DateTimeOffset? CallbackAt);

    public async Task<ResultOutcome> RecordAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, Request q, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var at = q.At ?? now;
        var part = CampaignStore.PartitionName(campaignId);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        DateTimeOffset expires;
        await using (var cmd = new NpgsqlCommand("SELECT expires_at FROM campaign_leases WHERE lease_id = @l AND campaign_id = @c", conn, tx))
        {
            cmd.Parameters.AddWithValue("l", q.LeaseId);
            cmd.Parameters.AddWithValue("c", campaignId);
            if (await cmd.ExecuteScalarAsync(ct) is not DateTime e)
                throw new ResultRefusedException($"Lease {q.LeaseId} is unknown to this campaign; nothing was changed.");
            expires = new DateTimeOffset(e, TimeSpan.Zero);
        }

        Guid contactId, listId;
        string phone;
        string? clientId;
        int retries;
        bool leasedHere;
        await using (var cmd = new NpgsqlCommand($"""
            SELECT contact_id, list_id, contact_info, client_id, retries, record_status = 2 AND lease_id = @l
            FROM {part} WHERE record_id = @r FOR UPDATE
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("l", q.LeaseId);
            cmd.Parameters.AddWithValue("r", q.RecordId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw new ResultRefusedException($"Record {q.RecordId} is not in this campaign's calling list; nothing was changed.");
            (contactId, listId, phone, clientId, retries, leasedHere) =
                (r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetBoolean(5));
        }

        // A repeat of a result already applied answers what the first one did; a different result for it is a conflict.
        await using (var cmd = new NpgsqlCommand("SELECT result, outcome FROM campaign_results WHERE lease_id = @l AND record_id = @r", conn, tx))
        {
            cmd.Parameters.AddWithValue("l", q.LeaseId);
            cmd.Parameters.AddWithValue("r", q.RecordId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                var earlier = r.GetString(0);
                if (earlier != q.Result.ToWire())
                    throw new ResultRefusedException($"Record {q.RecordId} already has the result \"{earlier}\" under lease {q.LeaseId}; a different result cannot replace it.");
                return System.Text.Json.JsonSerializer.Deserialize<ResultOutcome>(r.GetString(1))! with { Replayed = true };
            }
        }
        if (!leasedHere)
            throw new ResultRefusedException($"Record {q.RecordId} is not out under lease {q.LeaseId} (it was never in it, or went back to the pool); nothing was changed.");
        if (expires <= now)
            throw new ResultRefusedException($"Lease {q.LeaseId} expired at {expires:u}; its records went back to the pool, and nothing was changed.");

        var decision = ContactStrategies.Decide(def.ContactStrategy, q.Result, retries, at, q.CallbackAt);
        var (status, recordType) = decision.Action switch
        {
            StrategyAction.Retry => (1, q.Result == CallResult.CallbackRequested ? 6 : 3),
            _ => (3, 2),
        };
        await using (var cmd = new NpgsqlCommand($"""
            UPDATE {part} SET record_status = @s, record_type = @rt, call_result = @code, attempt = attempt + 1, call_time = @callTime,
                   result = @result, lease_id = NULL, leased_until = NULL,
                   dial_sched_time = CASE WHEN @s = 1 THEN @next ELSE dial_sched_time END,
                   retries = retries + CASE WHEN @s = 1 AND @rt = 3 THEN 1 ELSE 0 END
            WHERE record_id = @r
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("s", (short)status);
            cmd.Parameters.AddWithValue("rt", (short)recordType);
            cmd.Parameters.AddWithValue("code", (short)q.Result.GenesysCode());
            cmd.Parameters.AddWithValue("callTime", at.ToUnixTimeSeconds());
            cmd.Parameters.AddWithValue("result", q.Result.ToWire());
            cmd.Parameters.AddWithValue("next", decision.RetryAt?.ToUnixTimeSeconds() ?? 0L);
            cmd.Parameters.AddWithValue("r", q.RecordId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (decision.Action is StrategyAction.Done or StrategyAction.Suppress)
            await Exec(conn, tx, $"UPDATE {part} SET record_status = 7 WHERE contact_id = @k AND record_status = 1", ct, ("k", contactId));

        var outcome = new ResultOutcome(q.RecordId, q.Result.ToWire(), ContactStrategies.Wire(decision.Action), decision.RetryAt,
            decision.Explanation, null, false);
        if (decision.Action == StrategyAction.Suppress)
        {
            // Inside the transaction: if the DNC write fails, the result is not applied and the dialer retries it.
            var list = await dnc.AddAsync(tenantId, campaignId, def, phone, ct);
            outcome = outcome with { SuppressedIn = list };
        }
        await Exec(conn, tx, """
            INSERT INTO campaign_results (tenant_id, campaign_id, lease_id, record_id, result, connected, disposition, at, outcome)
            VALUES (@t, @c, @l, @r, @res, @conn, @disp, @at, @out)
            """, ct, ("t", tenantId), ("c", campaignId), ("l", q.LeaseId), ("r", q.RecordId), ("res", q.Result.ToWire()),
            ("conn", q.Result.IsConnected()), ("disp", (object?)q.Disposition ?? DBNull.Value), ("at", at),
            ("out", System.Text.Json.JsonSerializer.Serialize(outcome)));
        await Exec(conn, tx, "DELETE FROM contact_dial_locks WHERE contact_id = @k AND lease_id = @l", ct, ("k", contactId), ("l", q.LeaseId));
        await Exec(conn, tx, "UPDATE contact_records SET attempts = attempts + 1, last_result = @res, last_attempt_at = @at WHERE list_id = @list AND contact_id = @k",
            ct, ("res", q.Result.ToWire()), ("at", at), ("list", listId), ("k", contactId));
        await tx.CommitAsync(ct);

        try
        {
            await attempts.RecordAsync(new AttemptHistory.Attempt(tenantId, at, phone, contactId.ToString(), clientId, campaignId.ToString(),
                q.Result.ToWire(), "dialer", null), ct);
        }
        catch (Exception e) when (e is NpgsqlException or StackExchange.Redis.RedisException or TimeoutException)
        {
            // The result stands; the attempt windows may under-count until the history is readable, which the
            // Compliance Manager answers by failing closed when Redis is down.
            log.LogError(e, "Result for record {Record} applied, but the attempt history write failed", q.RecordId);
        }
        return outcome;
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string, object)[] args) =>
        await Platform.Storage.SqlCommands.ExecAsync(conn, tx, sql, ct, args);
}

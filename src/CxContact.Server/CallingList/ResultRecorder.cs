using System.Text.Json;
using CxContact.Core.Campaigns;
using CxContact.Server.Campaigns;
using CxContact.Server.Compliance;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.CallingList;

/// <summary>
/// Applies call results, each exactly once, a batch at a time (one result is a batch of one). In one transaction:
/// read the leases, lock the records (in id order, so concurrent batches never deadlock) and read earlier results, all
/// in one round trip; then decide each item (refused, replayed, or applied by the contact strategy); then write every
/// applied item set-based in one round trip: records and chains, the results (their (lease, record) key is what makes a
/// repeat a replay), the contacts' dial locks, and the contacts' attempt counts, and the attempt history (call_attempts). After the commit the
/// attempts go to the compliance windows in Redis; a do-not-call request goes to the DNC list before the commit.
/// </summary>
public sealed class ResultRecorder(NpgsqlDataSource db, AttemptHistory attempts, DncWriter dnc, PlatformClock clock)
{
    /// <summary>The most results one batch may carry: a full lease.</summary>
    public const int MaxBatch = LeaseService.MaxCount;

    public sealed record Request(Guid LeaseId, long RecordId, CallResult Result, string? Disposition, DateTimeOffset? At, DateTimeOffset? CallbackAt);

    /// <summary>One item's answer: its outcome, or why it was refused (then nothing about it changed).</summary>
    public sealed record Item(ResultOutcome? Outcome, string? Refused);

    private sealed record RecordRow(Guid ContactId, Guid ListId, string Phone, string? ClientId, int Retries, bool Leased, Guid? LeaseId);

    private sealed record Applied(Request Q, RecordRow Row, StrategyDecision Decision, ResultOutcome Outcome, DateTimeOffset At);

    public async Task<ResultOutcome> RecordAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, Request q, CancellationToken ct)
    {
        var item = (await RecordManyAsync(tenantId, campaignId, def, [q], ct))[0];
        return item.Outcome ?? throw new ResultRefusedException(item.Refused!);
    }

    public async Task<IReadOnlyList<Item>> RecordManyAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, IReadOnlyList<Request> items, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var part = CampaignStore.PartitionName(campaignId);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var leaseIds = items.Select(i => i.LeaseId).Distinct().ToArray();
        var recordIds = items.Select(i => i.RecordId).Distinct().ToArray();
        var leases = new Dictionary<Guid, DateTimeOffset>();
        var rows = new Dictionary<long, RecordRow>();
        var earlier = new Dictionary<(Guid, long), (string Result, ResultOutcome Outcome)>();
        await using (var read = new NpgsqlBatch(conn, tx))
        {
            // Every statement here touches a few hundred rows by key: joins against the unnested batch must probe the
            // keys' indexes, never hash a scan of the whole calling list or contact partition (which grows with the list).
            foreach (var setting in (string[])["enable_seqscan", "enable_hashjoin", "enable_mergejoin"])
                read.BatchCommands.Add(Command($"SET LOCAL {setting} = off"));
            read.BatchCommands.Add(Command("SELECT lease_id, expires_at FROM campaign_leases WHERE tenant_id = @t AND campaign_id = @c AND lease_id = ANY(@l)",
                ("t", tenantId), ("c", campaignId), ("l", leaseIds)));
            read.BatchCommands.Add(Command($"""
                SELECT record_id, contact_id, list_id, contact_info, client_id, retries, record_status = {RecordStatuses.Retrieved}, lease_id
                FROM {part} WHERE campaign_id = @c AND record_id = ANY(@r) ORDER BY record_id FOR UPDATE
                """, ("c", campaignId), ("r", recordIds)));
            read.BatchCommands.Add(Command("SELECT lease_id, record_id, result, outcome FROM campaign_results WHERE tenant_id = @t AND lease_id = ANY(@l) AND record_id = ANY(@r)",
                ("t", tenantId), ("l", leaseIds), ("r", recordIds)));
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) leases[r.GetGuid(0)] = new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero);
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                rows[r.GetInt64(0)] = new RecordRow(r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5),
                    r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetGuid(7));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                earlier[(r.GetGuid(0), r.GetInt64(1))] = (r.GetString(2), JsonSerializer.Deserialize<ResultOutcome>(r.GetString(3))!);
        }

        var answers = new Item[items.Count];
        var applied = new List<Applied>();
        for (var i = 0; i < items.Count; i++)
        {
            var q = items[i];
            var key = (q.LeaseId, q.RecordId);
            var wire = q.Result.ToWire();
            if (earlier.TryGetValue(key, out var before))
            {
                // A repeat of a result already applied answers what the first one did; a different one is a conflict.
                answers[i] = before.Result == wire ? new Item(before.Outcome with { Replayed = true }, null)
                    : new Item(null, $"Record {q.RecordId} already has the result \"{before.Result}\" under lease {q.LeaseId}; a different result cannot replace it.");
                continue;
            }
            if (!leases.TryGetValue(q.LeaseId, out var expires))
            { answers[i] = new Item(null, $"Lease {q.LeaseId} is unknown to this campaign; nothing was changed."); continue; }
            if (!rows.TryGetValue(q.RecordId, out var row))
            { answers[i] = new Item(null, $"Record {q.RecordId} is not in this campaign's calling list; nothing was changed."); continue; }
            if (!row.Leased || row.LeaseId != q.LeaseId)
            { answers[i] = new Item(null, $"Record {q.RecordId} is not out under lease {q.LeaseId} (it was never in it, or went back to the pool); nothing was changed."); continue; }
            if (expires <= now)
            { answers[i] = new Item(null, $"Lease {q.LeaseId} expired at {expires:u}; its records went back to the pool, and nothing was changed."); continue; }

            var at = (q.At ?? now).ToUniversalTime(); // timestamptz takes UTC only
            var decision = ContactStrategies.Decide(def.ContactStrategy, q.Result, row.Retries, at, q.CallbackAt);
            var outcome = new ResultOutcome(q.RecordId, wire, ContactStrategies.Wire(decision.Action), decision.RetryAt, decision.Explanation, null, false);
            if (decision.Action == StrategyAction.Suppress)
                // Inside the transaction: if the DNC write fails, nothing is applied and the dialer sends the result again.
                outcome = outcome with { SuppressedIn = await dnc.AddAsync(tenantId, campaignId, def, row.Phone, ct) };
            applied.Add(new Applied(q, row, decision, outcome, at));
            answers[i] = new Item(outcome, null);
            earlier[key] = (wire, outcome);
            rows[q.RecordId] = row with { Leased = false }; // the same record under another lease later in this batch is refused
        }

        if (applied.Count > 0) await WriteAsync(conn, tx, part, tenantId, campaignId, applied, ct);
        // The attempt history commits with the results it records: a result that was applied is never missing from it.
        var windows = await attempts.InsertNewAsync(conn, tx, [.. applied.Select(a => new AttemptHistory.Attempt(tenantId, a.At, a.Row.Phone,
            a.Row.ContactId.ToString(), a.Row.ClientId, campaignId.ToString(), a.Q.Result.ToWire(), "dialer"))], ct);
        await tx.CommitAsync(ct);
        await attempts.IndexAsync(windows, applied.Count, ct);
        return answers;
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string part, Guid tenantId, Guid campaignId,
        List<Applied> applied, CancellationToken ct)
    {
        await using var write = new NpgsqlBatch(conn, tx);
        var retry = applied.Select(a => a.Decision.Action == StrategyAction.Retry).ToArray();
        write.BatchCommands.Add(Command($"""
            UPDATE {part} t SET record_status = x.s, record_type = x.rt, call_result = x.code, attempt = t.attempt + 1, call_time = x.ct,
                   result = x.res, lease_id = NULL, leased_until = NULL,
                   dial_sched_time = CASE WHEN x.s = 1 THEN x.next ELSE t.dial_sched_time END, retries = t.retries + x.inc
            FROM unnest(@id::bigint[], @s::smallint[], @rt::smallint[], @code::smallint[], @ct::bigint[], @res::text[], @next::bigint[], @inc::int[])
                 AS x(id, s, rt, code, ct, res, next, inc)
            WHERE t.campaign_id = @c AND t.record_id = x.id
            """, ("c", campaignId),
            ("id", applied.Select(a => a.Q.RecordId).ToArray()),
            ("s", retry.Select(r => (short)(r ? RecordStatuses.Ready : RecordStatuses.Updated)).ToArray()),
            // Genesys record types: 2 general, 3 campaign rescheduled, 6 campaign callback.
            ("rt", applied.Select((a, i) => (short)(!retry[i] ? 2 : a.Q.Result == CallResult.CallbackRequested ? 6 : 3)).ToArray()),
            ("code", applied.Select(a => (short)a.Q.Result.GenesysCode()).ToArray()),
            ("ct", applied.Select(a => a.At.ToUnixTimeSeconds()).ToArray()),
            ("res", applied.Select(a => a.Q.Result.ToWire()).ToArray()),
            ("next", applied.Select(a => a.Decision.RetryAt?.ToUnixTimeSeconds() ?? 0L).ToArray()),
            ("inc", applied.Select((a, i) => retry[i] && a.Q.Result != CallResult.CallbackRequested ? 1 : 0).ToArray())));
        var finished = applied.Where(a => a.Decision.Action is StrategyAction.Done or StrategyAction.Suppress).Select(a => a.Row.ContactId).Distinct().ToArray();
        if (finished.Length > 0)
            write.BatchCommands.Add(Command($"UPDATE {part} SET record_status = {RecordStatuses.ChainUpdated} WHERE contact_id = ANY(@k) AND record_status = {RecordStatuses.Ready}", ("k", finished)));
        write.BatchCommands.Add(Command("""
            INSERT INTO campaign_results (tenant_id, campaign_id, lease_id, record_id, result, connected, disposition, at, outcome)
            SELECT @t, @c, * FROM unnest(@l::uuid[], @r::bigint[], @res::text[], @conn::boolean[], @disp::text[], @at::timestamptz[], @out::text[])
            """,
            ("t", tenantId), ("c", campaignId),
            ("l", applied.Select(a => a.Q.LeaseId).ToArray()),
            ("r", applied.Select(a => a.Q.RecordId).ToArray()),
            ("res", applied.Select(a => a.Q.Result.ToWire()).ToArray()),
            ("conn", applied.Select(a => a.Q.Result.IsConnected()).ToArray()),
            ("disp", applied.Select(a => a.Q.Disposition).ToArray()),
            ("at", applied.Select(a => a.At).ToArray()),
            ("out", applied.Select(a => JsonSerializer.Serialize(a.Outcome)).ToArray())));
        write.BatchCommands.Add(Command("""
            DELETE FROM contact_dial_locks k USING unnest(@k::uuid[], @l::uuid[]) AS x(contact, lease)
            WHERE k.tenant_id = @t AND k.contact_id = x.contact AND k.lease_id = x.lease
            """,
            ("t", tenantId), ("k", applied.Select(a => a.Row.ContactId).ToArray()), ("l", applied.Select(a => a.Q.LeaseId).ToArray())));
        // One statement per list, naming its partition: a join over every list's partition would probe them all.
        foreach (var byList in applied.GroupBy(a => a.Row.ListId))
        {
            var perContact = byList.GroupBy(a => a.Row.ContactId).Select(g => g.OrderBy(a => a.At).ToList()).ToList();
            write.BatchCommands.Add(Command($"""
                UPDATE {ContactListStore.PartitionName(byList.Key)} c SET attempts = c.attempts + x.n, last_result = x.res, last_attempt_at = x.at
                FROM unnest(@k::uuid[], @n::int[], @res::text[], @at::timestamptz[]) AS x(contact, n, res, at) WHERE c.contact_id = x.contact
                """,
                ("k", perContact.Select(g => g[0].Row.ContactId).ToArray()),
                ("n", perContact.Select(g => g.Count).ToArray()),
                ("res", perContact.Select(g => g[^1].Q.Result.ToWire()).ToArray()),
                ("at", perContact.Select(g => g[^1].At).ToArray())));
        }
        await write.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var c = new NpgsqlBatchCommand(sql);
        foreach (var (n, v) in args) c.Parameters.Add(new NpgsqlParameter(n, v ?? DBNull.Value));
        return c;
    }
}

using CxContact.Server.Platform.Storage;
using System.Globalization;
using CxContact.Core.Suppression;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Suppression;

/// <summary>
/// Applies a staged feed import (a compliance data provider's file) to a list, as that feed's holdings:
/// <list type="bullet">
/// <item><b>changes</b>: a change list; its add rows make the feed hold a number, its delete rows let go of one.</item>
/// <item><b>area-codes</b>: the feed's complete list for each area code the file covers; a number the feed held there
/// and the file lacks is let go.</item>
/// <item><b>full</b>: the feed's complete list; every number it held and the file lacks is let go.</item>
/// </list>
/// A number let go leaves the list only if no other feed holds it and it was never added directly: a deletion never
/// removes what another source of the list still holds. One transaction: added numbers reach the index before the
/// commit (over-suppressing if the commit then fails, never under), removed ones after it (they stay suppressed a
/// moment longer); if that fails the list is marked stale and lookups fail closed until it is rebuilt.
/// The caller holds the list's import lock.
/// </summary>
public sealed class SuppressionFeedWriter(SuppressionIndex index, SuppressionListStore store, ILogger<SuppressionFeedWriter> log)
{
    private const int IndexBatch = 10_000;

    public sealed record Outcome(long Delta, string? Failure);

    /// <summary>
    /// <paramref name="stage"/> holds the file's accepted rows (row_no, type, value, action 'a' or 'd'); this adds the
    /// entries it changed (action 'i', for the index) and removed ('r'). <paramref name="areaCodes"/>: area-codes mode's scope.
    /// </summary>
    public async Task<Outcome> WriteAsync(NpgsqlConnection conn, string stage, SuppressionImportJob job, SuppressionImportSpec spec,
        IReadOnlyCollection<string> areaCodes, SuppressionImportProgress p, List<string> warnings, CancellationToken ct)
    {
        var feed = spec.Feed!;
        var partition = SuppressionListStore.PartitionName(job.ListId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan written, indexed;
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // The file's last word on each value (a number added then deleted in one change list is deleted).
            await SqlCommands.ExecAsync(conn, tx, $"""
                CREATE TEMP TABLE feed_rows ON COMMIT DROP AS
                    SELECT DISTINCT ON (type, value) action, type, value FROM {stage} ORDER BY type, value, row_no DESC;
                ANALYZE feed_rows
                """, ct);

            if (job.Mode != "changes" && await LetGoMissingAsync(conn, tx, job.ListId, job.Mode, feed, areaCodes, spec.MaxRemovePercent, ct) is { } refused)
                return new Outcome(0, refused); // rolled back as the transaction is disposed

            // Adds: a new entry held by the feed alone, or the feed joins an entry's holders. A registry's number has
            // no dates, so an entry the feed now holds loses any (it suppresses for as long as the feed holds it).
            // Entries that changed go back into the stage ('i') for the index.
            p.Added = await SqlCommands.ScalarAsync<long>(conn, tx, $$"""
                WITH up AS (
                    INSERT INTO {{partition}} AS p (tenant_id, list_id, type, value, source, feeds, direct)
                    SELECT '{{job.TenantId}}', '{{job.ListId}}', f.type, f.value, @feed, ARRAY[@feed], false
                    FROM feed_rows f WHERE f.action = 'a' ORDER BY f.type, f.value
                    ON CONFLICT (list_id, type, value) DO UPDATE
                        SET feeds = CASE WHEN @feed = ANY (coalesce(p.feeds, '{}')) THEN p.feeds ELSE array_append(coalesce(p.feeds, '{}'), @feed) END,
                            starts_at = NULL, expires_at = NULL
                        WHERE p.feeds IS NULL OR NOT (@feed = ANY (p.feeds)) OR p.starts_at IS NOT NULL OR p.expires_at IS NOT NULL
                    RETURNING (xmax = 0) AS fresh, p.type, p.value),
                staged AS (INSERT INTO {{stage}} (row_no, type, value, action) SELECT -1, type, value, 'i' FROM up)
                SELECT count(*) FILTER (WHERE fresh) FROM up
                """, ct, ("feed", feed));

            // Deletes: an entry only this feed held, and never added directly, leaves the list ('r', for the index)...
            p.Removed = await SqlCommands.ScalarAsync<long>(conn, tx, $"""
                WITH gone AS (
                    DELETE FROM {partition} p USING feed_rows f
                    WHERE f.action = 'd' AND p.list_id = '{job.ListId}' AND p.type = f.type AND p.value = f.value
                      AND p.feeds = ARRAY[@feed] AND p.direct IS FALSE
                    RETURNING p.type, p.value),
                staged AS (INSERT INTO {stage} (row_no, type, value, action) SELECT -1, type, value, 'r' FROM gone)
                SELECT count(*) FROM gone
                """, ct, ("feed", feed));
            // ...every other one the feed held stays, held by the rest.
            await SqlCommands.ExecAsync(conn, tx, $$"""
                UPDATE {{partition}} p SET feeds = nullif(array_remove(p.feeds, @feed), '{}')
                FROM feed_rows f WHERE f.action = 'd' AND p.list_id = '{{job.ListId}}' AND p.type = f.type AND p.value = f.value AND @feed = ANY (p.feeds)
                """, ct, ("feed", feed));
            var deletes = await SqlCommands.ScalarAsync<long>(conn, tx, "SELECT count(*) FROM feed_rows WHERE action = 'd'", ct);
            p.Kept = await SqlCommands.ScalarAsync<long>(conn, tx,
                $"SELECT count(*) FROM feed_rows f JOIN {partition} p ON p.list_id = '{job.ListId}' AND p.type = f.type AND p.value = f.value WHERE f.action = 'd'", ct);
            p.NotOnList = deletes - p.Removed - p.Kept;
            p.Entries = await SqlCommands.ScalarAsync<long>(conn, tx, "SELECT count(*) FROM feed_rows WHERE action = 'a'", ct);

            written = clock.Elapsed;
            try { await IndexStagedAsync(conn, tx, stage, 'i', batch => index.AddAsync(job.TenantId, job.ListId, batch, DateTimeOffset.UnixEpoch), ct); }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or Compliance.Recovery.RedisNotCurrentException)
            {
                // Some of the batch may have reached the index: over-suppressing, and the stale mark has it rebuilt.
                log.LogError(e, "Feed import {ImportId}: the index could not be updated; nothing was saved", job.ImportId);
                await store.MarkStaleAsync(job.TenantId, job.ListId, CancellationToken.None);
                return new Outcome(0, "the suppression index (Redis) could not be updated, so nothing was saved; try again when it is back");
            }
            await tx.CommitAsync(ct);
            indexed = clock.Elapsed;
        }

        try { await IndexStagedAsync(conn, null, stage, 'r', batch => index.RemoveAsync(job.TenantId, job.ListId, batch.Select(e => (e.Type, e.Value)).ToList()), ct); }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or Compliance.Recovery.RedisNotCurrentException)
        {
            log.LogError(e, "Feed import {ImportId}: saved, but removed entries could not be taken out of the index; marking list {ListId} stale",
                job.ImportId, job.ListId);
            await store.MarkStaleAsync(job.TenantId, job.ListId, CancellationToken.None);
            try { await index.MarkStaleAsync(job.TenantId, job.ListId); }
            catch (Exception stale) when (stale is StackExchange.Redis.RedisException or TimeoutException) { /* the PostgreSQL mark is the one that must hold */ }
            warnings.Add($"the changes were saved, but the {p.Removed} removed numbers could not be taken out of the lookup index; lookups on this list " +
                $"fail closed until it is rebuilt (automatically, or POST /api/v1/suppression-lists/{job.ListId}/rebuild-index)");
        }
        // Where a feed import's time goes, for the operator and the benchmark.
        log.LogInformation("Suppression import {ImportId} (feed {Feed}, {Mode}): list written {Written:0.00}s, additions indexed and committed {Indexed:0.00}s, " +
            "removals indexed {Removed:0.00}s; {Added} added, {RemovedCount} removed, {Kept} kept, {NotOnList} not on the list",
            job.ImportId, feed, job.Mode, written.TotalSeconds, (indexed - written).TotalSeconds, (clock.Elapsed - indexed).TotalSeconds,
            p.Added, p.Removed, p.Kept, p.NotOnList);
        return new Outcome(p.Added - p.Removed, null);
    }

    /// <summary>
    /// For a complete list (area-codes, full): every number the feed held in the file's scope and the file lacks
    /// becomes a delete row. Refused (returns why) if that is more than <paramref name="maxPercent"/> of what the
    /// feed held there: a truncated or wrong download must not lift suppression wholesale.
    /// </summary>
    private static async Task<string?> LetGoMissingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid listId, string mode, string feed,
        IReadOnlyCollection<string> areaCodes, double maxPercent, CancellationToken ct)
    {
        // area-codes: each area code's numbers are one range of the primary key (list, 'phone', '+1212' to '+1212:',
        // ':' sorting after '9'), written out so the planner sees the ranges. The area codes are 3 checked digits.
        var scope = mode != "area-codes" ? "true"
            : areaCodes.Count == 0 ? "false"
            : "e.type = 'phone' AND (" + string.Join(" OR ", areaCodes.Select(npa => $"(e.value >= '+1{npa}' AND e.value < '+1{npa}:')")) + ")";
        await using var cmd = new NpgsqlCommand($"""
            WITH held AS (SELECT e.type, e.value FROM {SuppressionListStore.PartitionName(listId)} e WHERE e.list_id = '{listId}' AND ({scope}) AND @feed = ANY (e.feeds)),
            missing AS (
                INSERT INTO feed_rows (action, type, value)
                SELECT 'd', h.type, h.value FROM held h
                WHERE NOT EXISTS (SELECT 1 FROM feed_rows f WHERE f.type = h.type AND f.value = h.value)
                RETURNING 1)
            SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM missing)
            """, conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue("feed", feed);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (held, missing) = (r.GetInt64(0), r.GetInt64(1));
        if (held == 0 || 100.0 * missing / held <= maxPercent) return null;
        var where = mode == "area-codes" ? $"in area code{(areaCodes.Count > 1 ? "s" : "")} {string.Join(", ", areaCodes)}" : "in all";
        return $"the file lacks {missing} of the {held} numbers feed {feed} holds {where} ({(100.0 * missing / held).ToString("0.#", CultureInfo.InvariantCulture)} %), " +
            $"more than spec.maxRemovePercent ({maxPercent.ToString(CultureInfo.InvariantCulture)} %), so it looks incomplete; the list was not changed. " +
            "Set spec.maxRemovePercent higher if the registry really dropped them";
    }

    /// <summary>
    /// Streams the stage's rows of one action to an index write, a batch at a time, through a cursor: the rows the
    /// transaction wrote are visible only on its own connection, and a first full list can be millions of them.
    /// Outside a transaction (after the commit) it opens one of its own for the cursor.
    /// </summary>
    private static async Task IndexStagedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string stage, char action,
        Func<List<SuppressionEntry>, Task> write, CancellationToken ct)
    {
        await using var own = tx is null ? await conn.BeginTransactionAsync(ct) : null;
        var t = tx ?? own!;
        await using (var declare = new NpgsqlCommand($"DECLARE feed_index NO SCROLL CURSOR FOR SELECT type, value FROM {stage} WHERE action = '{action}'", conn, t))
            await declare.ExecuteNonQueryAsync(ct);
        while (true)
        {
            var batch = new List<SuppressionEntry>(IndexBatch);
            await using (var fetch = new NpgsqlCommand($"FETCH {IndexBatch} FROM feed_index", conn, t) { CommandTimeout = 0 })
            await using (var r = await fetch.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) batch.Add(new SuppressionEntry(r.GetString(0), r.GetString(1), null, null, null));
            if (batch.Count == 0) break;
            await write(batch);
        }
        await using (var close = new NpgsqlCommand("CLOSE feed_index", conn, t)) await close.ExecuteNonQueryAsync(ct);
        if (own is not null) await own.CommitAsync(ct);
    }
}

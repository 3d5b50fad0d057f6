using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// Call attempts: written to PostgreSQL (<c>call_attempts</c>, the truth), then to the Redis windows
/// (<see cref="AttemptWindows"/>) that the validation hot path reads without touching PostgreSQL.
/// <para>
/// When the Redis write fails after PostgreSQL committed, the windows under-count, and an under-count is a wrong allow.
/// So the failure removes the Redis marker (every silo's readers then fail closed at once) and asks for a rebuild in
/// PostgreSQL (which keeps them failing closed, even if Redis could not be told); the attempt itself is recorded, so the
/// caller is not told otherwise.
/// </para>
/// </summary>
public sealed class AttemptHistory(NpgsqlDataSource db, AttemptWindows windows, RebuildRequests rebuilds, PlatformClock clock,
    ILogger<AttemptHistory> log)
{
    public sealed record Attempt(Guid TenantId, DateTimeOffset At, string? Phone, string? ContactId, string? ClientId, string? CampaignId, string? Result, string Source,
        Guid? AttemptId = null);

    /// <summary>How far in the past an attempt may be reported and still count at its own time.</summary>
    public static readonly TimeSpan LateReport = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The time an attempt counts at: its own, unless it is reported more than <see cref="LateReport"/> after it: then
    /// its arrival. A window that slid past a backdated attempt would otherwise count one call fewer than were made.
    /// </summary>
    /// In UTC: timestamptz takes nothing else, and a caller may give any offset.
    public static DateTimeOffset CountedAt(DateTimeOffset reported, DateTimeOffset now) => (reported < now - LateReport ? now : reported).ToUniversalTime();

    /// <summary>Records an attempt (a dial); a later result for the same attempt id replaces its result, keeping its time.</summary>
    public async Task RecordAsync(Attempt a, CancellationToken ct)
    {
        var id = a.AttemptId ?? Guid.CreateVersion7();
        DateTimeOffset at;
        await using (var cmd = db.CreateCommand("""
            INSERT INTO call_attempts (tenant_id, attempt_id, at, reported_at, phone, contact_id, client_id, campaign_id, result, source)
            VALUES (@t, @i, @at, @reported, @p, @c, @k, @camp, @r, @s)
            ON CONFLICT (attempt_id) DO UPDATE SET result = coalesce(excluded.result, call_attempts.result)
            WHERE call_attempts.tenant_id = excluded.tenant_id
            RETURNING at, result
            """))
        {
            cmd.Parameters.AddWithValue("t", a.TenantId);
            cmd.Parameters.AddWithValue("i", id);
            cmd.Parameters.AddWithValue("at", CountedAt(a.At, clock.GetUtcNow()));
            cmd.Parameters.AddWithValue("reported", a.At.ToUniversalTime());
            cmd.Parameters.AddWithValue("p", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.Phone ?? DBNull.Value);
            cmd.Parameters.AddWithValue("c", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.ContactId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("k", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.ClientId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("camp", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.CampaignId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("r", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.Result ?? DBNull.Value);
            cmd.Parameters.AddWithValue("s", a.Source);
            // A result for a known attempt keeps the attempt's own time: that is when the call was made. And the result
            // the row keeps (a later null does not erase one) is what the window must say too.
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return; // the attempt id is another tenant's: nothing was recorded
            at = new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc));
            a = a with { Result = r.IsDBNull(1) ? null : r.GetString(1) };
        }
        var entries = new List<AttemptWindows.Entry>(3);
        windows.Add(entries, a.TenantId, id, at, a.Phone, a.ContactId, a.ClientId, a.CampaignId, a.Result);
        await IndexAsync(entries, 1, ct);
    }

    /// <summary>
    /// Inserts many new attempts (each its own call, with its result) inside the caller's transaction, so they commit
    /// with what they record (the dialer pull API's results). Call <see cref="IndexAsync"/> with the entries after the
    /// commit.
    /// </summary>
    public async Task<List<AttemptWindows.Entry>> InsertNewAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Attempt> list, CancellationToken ct)
    {
        var entries = new List<AttemptWindows.Entry>(list.Count * 3);
        if (list.Count == 0) return entries;
        var ids = list.Select(_ => Guid.CreateVersion7()).ToArray();
        var now = clock.GetUtcNow();
        var counted = list.Select(a => CountedAt(a.At, now)).ToArray();
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO call_attempts (tenant_id, attempt_id, at, reported_at, phone, contact_id, client_id, campaign_id, result, source)
            SELECT * FROM unnest(@t::uuid[], @i::uuid[], @at::timestamptz[], @reported::timestamptz[], @p::text[], @c::text[], @k::text[], @camp::text[],
                                 @r::text[], @s::text[])
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("t", list.Select(a => a.TenantId).ToArray());
            cmd.Parameters.AddWithValue("i", ids);
            cmd.Parameters.AddWithValue("at", counted);
            cmd.Parameters.AddWithValue("reported", list.Select(a => a.At.ToUniversalTime()).ToArray());
            cmd.Parameters.AddWithValue("p", list.Select(a => a.Phone).ToArray());
            cmd.Parameters.AddWithValue("c", list.Select(a => a.ContactId).ToArray());
            cmd.Parameters.AddWithValue("k", list.Select(a => a.ClientId).ToArray());
            cmd.Parameters.AddWithValue("camp", list.Select(a => a.CampaignId).ToArray());
            cmd.Parameters.AddWithValue("r", list.Select(a => a.Result).ToArray());
            cmd.Parameters.AddWithValue("s", list.Select(a => a.Source).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            windows.Add(entries, a.TenantId, ids[i], counted[i], a.Phone, a.ContactId, a.ClientId, a.CampaignId, a.Result);
        }
        return entries;
    }

    /// <summary>
    /// Writes committed attempts to the Redis windows. On failure the attempts are still recorded (PostgreSQL has them);
    /// Redis is marked as behind (see the class remarks) and a rebuild restores them.
    /// </summary>
    public async Task IndexAsync(IReadOnlyList<AttemptWindows.Entry> entries, int attempts, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        try
        {
            await windows.WriteAsync(entries, clock.GetUtcNow());
            return;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogError("{Count} attempt(s) are recorded in PostgreSQL, but their Redis windows could not be written ({Error}); " +
                "validation fails closed until Redis is rebuilt", attempts, e.Message);
        }
        await rebuilds.RequestAsync($"{attempts} attempt(s) reached PostgreSQL but not Redis", ct);
    }
}

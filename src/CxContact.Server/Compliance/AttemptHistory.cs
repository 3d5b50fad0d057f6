using CxContact.Core.Compliance;
using CxContact.Server.Platform.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// Call attempts: written to PostgreSQL (the truth) and to Redis sorted sets per phone, contact and client id (score =
/// time), which the validation hot path reads as rolling windows without touching PostgreSQL.
/// </summary>
public sealed class AttemptHistory(NpgsqlDataSource db, IConnectionMultiplexer redis, PlatformSettings settings)
{
    /// <summary>The longest window any rule counts over (Reg F: 7 days), with a day to spare; older entries are trimmed.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(8);

    public sealed record Attempt(Guid TenantId, DateTimeOffset At, string? Phone, string? ContactId, string? ClientId, string? CampaignId, string? Result, string Source,
        Guid? AttemptId = null);

    /// <summary>Records an attempt (a dial); a later result for the same attempt id replaces its result, keeping its time.</summary>
    public async Task RecordAsync(Attempt a, CancellationToken ct)
    {
        var id = a.AttemptId ?? Guid.CreateVersion7();
        DateTimeOffset at;
        await using (var cmd = db.CreateCommand("""
            INSERT INTO call_attempts (tenant_id, attempt_id, at, phone, contact_id, client_id, campaign_id, result, source)
            VALUES (@t, @i, @at, @p, @c, @k, @camp, @r, @s)
            ON CONFLICT (attempt_id) DO UPDATE SET result = coalesce(excluded.result, call_attempts.result)
            WHERE call_attempts.tenant_id = excluded.tenant_id
            RETURNING at
            """))
        {
            cmd.Parameters.AddWithValue("t", a.TenantId);
            cmd.Parameters.AddWithValue("i", id);
            cmd.Parameters.AddWithValue("at", a.At);
            cmd.Parameters.AddWithValue("p", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.Phone ?? DBNull.Value);
            cmd.Parameters.AddWithValue("c", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.ContactId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("k", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.ClientId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("camp", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.CampaignId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("r", NpgsqlTypes.NpgsqlDbType.Text, (object?)a.Result ?? DBNull.Value);
            cmd.Parameters.AddWithValue("s", a.Source);
            // A result for a known attempt keeps the attempt's own time: that is when the call was made.
            at = await cmd.ExecuteScalarAsync(ct) is DateTime stored ? new DateTimeOffset(DateTime.SpecifyKind(stored, DateTimeKind.Utc)) : a.At;
        }

        var member = Member(id, a.Result, a.CampaignId);
        var score = at.ToUnixTimeMilliseconds();
        var oldest = (at - Horizon).ToUnixTimeMilliseconds();
        var redisDb = redis.GetDatabase();
        var keys = Keys(a.TenantId, a.Phone, a.ContactId, a.ClientId).ToList();
        if (a.AttemptId is not null)
        {
            // One member per attempt: a result replaces the same attempt's earlier member (found by its time).
            var prefix = $"{id:N}|";
            foreach (var key in keys)
                foreach (var old in await redisDb.SortedSetRangeByScoreAsync(key, score, score))
                    if (old.ToString().StartsWith(prefix, StringComparison.Ordinal)) await redisDb.SortedSetRemoveAsync(key, old);
        }
        var batch = redisDb.CreateBatch();
        var writes = new List<Task>();
        foreach (var key in keys)
        {
            writes.Add(batch.SortedSetAddAsync(key, member, score));
            writes.Add(batch.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, oldest));
            writes.Add(batch.KeyExpireAsync(key, Horizon));
        }
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>
    /// Records many new attempts (each its own call, with its result): one INSERT for PostgreSQL and one pipeline for
    /// the Redis windows. What the dialer pull API uses for a batch of results.
    /// </summary>
    public async Task RecordNewAsync(IReadOnlyList<Attempt> list, CancellationToken ct)
    {
        if (list.Count == 0) return;
        var ids = list.Select(_ => Guid.CreateVersion7()).ToArray();
        await using (var cmd = db.CreateCommand("""
            INSERT INTO call_attempts (tenant_id, attempt_id, at, phone, contact_id, client_id, campaign_id, result, source)
            SELECT * FROM unnest(@t::uuid[], @i::uuid[], @at::timestamptz[], @p::text[], @c::text[], @k::text[], @camp::text[], @r::text[], @s::text[])
            """))
        {
            cmd.Parameters.AddWithValue("t", list.Select(a => a.TenantId).ToArray());
            cmd.Parameters.AddWithValue("i", ids);
            cmd.Parameters.AddWithValue("at", list.Select(a => a.At).ToArray());
            cmd.Parameters.AddWithValue("p", list.Select(a => a.Phone).ToArray());
            cmd.Parameters.AddWithValue("c", list.Select(a => a.ContactId).ToArray());
            cmd.Parameters.AddWithValue("k", list.Select(a => a.ClientId).ToArray());
            cmd.Parameters.AddWithValue("camp", list.Select(a => a.CampaignId).ToArray());
            cmd.Parameters.AddWithValue("r", list.Select(a => a.Result).ToArray());
            cmd.Parameters.AddWithValue("s", list.Select(a => a.Source).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            var member = Member(ids[i], a.Result, a.CampaignId);
            var score = a.At.ToUnixTimeMilliseconds();
            var oldest = (a.At - Horizon).ToUnixTimeMilliseconds();
            foreach (var key in Keys(a.TenantId, a.Phone, a.ContactId, a.ClientId))
            {
                writes.Add(batch.SortedSetAddAsync(key, member, score));
                writes.Add(batch.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, oldest));
                writes.Add(batch.KeyExpireAsync(key, Horizon));
            }
        }
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>The window key of one subject (kind phone, contact or client), which DecisionLookup reads.</summary>
    public string TenantKey(Guid tenantId, string kind, string value) => $"{settings.RedisPrefix}att:{tenantId:N}:{kind}:{value}";

    // One window per subject for the whole tenant; each member names its campaign, so a campaign-scoped limit counts
    // its own attempts from the same read.
    private IEnumerable<RedisKey> Keys(Guid tenantId, string? phone, string? contactId, string? clientId)
    {
        if (phone is not null) yield return TenantKey(tenantId, "phone", phone);
        if (contactId is not null) yield return TenantKey(tenantId, "contact", contactId);
        if (clientId is not null) yield return TenantKey(tenantId, "client", clientId);
    }

    /// <summary>Separates the campaign from the result in a member; no result or campaign name holds it.</summary>
    public const char CampaignSeparator = '\u001f';

    /// <summary>"{attempt id}|{result}" and, for an attempt made for a campaign, the separator and the campaign.</summary>
    private static string Member(Guid id, string? result, string? campaign) =>
        campaign is null ? $"{id:N}|{result}" : $"{id:N}|{result}{CampaignSeparator}{campaign}";

    /// <summary>Reads a window member back (score = the attempt's time in unix ms).</summary>
    public static AttemptRecord ToRecord(SortedSetEntry e)
    {
        var member = e.Element.ToString();
        var bar = member.IndexOf('|');
        var rest = bar >= 0 ? member.AsSpan(bar + 1) : [];
        var sep = rest.IndexOf(CampaignSeparator);
        var result = sep >= 0 ? rest[..sep] : rest;
        var campaign = sep >= 0 ? rest[(sep + 1)..] : [];
        return new AttemptRecord(DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score), result.IsEmpty ? null : result.ToString(),
            campaign.IsEmpty ? null : campaign.ToString());
    }
}

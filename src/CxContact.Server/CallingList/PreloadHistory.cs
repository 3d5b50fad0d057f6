using CxContact.Core.Campaigns;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.CallingList;

/// <summary>campaign_preloads: one row per preload, opened when it starts and closed with its summary.</summary>
public sealed class PreloadHistory(NpgsqlDataSource db)
{
    /// <summary>Opens a preload; one the campaign left running (its silo died) is closed as interrupted first.</summary>
    public async Task<Guid> BeginAsync(Guid tenantId, Guid campaignId, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var cmd = db.CreateCommand("""
            WITH orphans AS (
                UPDATE campaign_preloads SET state = 'failed', finished_at = now(),
                    error = 'interrupted: the silo running it stopped; the preload was started again'
                WHERE tenant_id = @t AND campaign_id = @c AND state = 'running')
            INSERT INTO campaign_preloads (tenant_id, preload_id, campaign_id) VALUES (@t, @p, @c)
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("p", id);
        cmd.Parameters.AddWithValue("c", campaignId);
        await cmd.ExecuteNonQueryAsync(ct);
        return id;
    }

    public async Task FinishAsync(Guid tenantId, Guid preloadId, PreloadSummary summary, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE campaign_preloads SET state = @s, incremental = @i, rows_total = @r, callable = @c, error = @e, finished_at = now()
            WHERE tenant_id = @t AND preload_id = @p
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("p", preloadId);
        cmd.Parameters.AddWithValue("s", summary.Error is null ? "succeeded" : "failed");
        cmd.Parameters.AddWithValue("i", summary.Incremental);
        cmd.Parameters.AddWithValue("r", summary.Rows);
        cmd.Parameters.AddWithValue("c", summary.Callable);
        cmd.Parameters.AddWithValue("e", NpgsqlDbType.Text, (object?)summary.Error ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

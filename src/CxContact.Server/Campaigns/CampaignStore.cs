using CxContact.Server.Platform.Storage;
using Npgsql;

namespace CxContact.Server.Campaigns;

/// <summary>SQL for the campaign registry and each campaign's partition of the calling list.</summary>
public sealed class CampaignStore(NpgsqlDataSource db)
{
    /// <summary>
    /// The partition's table name: derived from the campaign id only, so no user text ever reaches DDL. The first
    /// preload creates it (loaded, then indexed, then attached); until then the campaign has no calling list.
    /// </summary>
    public static string PartitionName(Guid campaignId) => "calling_list_" + campaignId.ToString("N");

    public async Task CreateAsync(Guid tenantId, Guid campaignId, string name, IReadOnlyList<Guid> listIds, string channel, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await SqlCommands.ExecAsync(conn, tx, "INSERT INTO campaigns (tenant_id, campaign_id, name, list_ids, channel) VALUES (@t, @c, @n, @l, @ch)", ct,
                ("t", tenantId), ("c", campaignId), ("n", name), ("l", listIds.ToArray()), ("ch", channel));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new CampaignNameTakenException(name);
        }
        await tx.CommitAsync(ct);
    }

    public async Task UpdateAsync(Guid tenantId, Guid campaignId, string name, IReadOnlyList<Guid> listIds, string channel, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await SqlCommands.ExecAsync(conn, null, "UPDATE campaigns SET name = @n, list_ids = @l, channel = @ch WHERE tenant_id = @t AND campaign_id = @c", ct,
                ("t", tenantId), ("c", campaignId), ("n", name), ("l", listIds.ToArray()), ("ch", channel));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new CampaignNameTakenException(name);
        }
    }

    public async Task SetStateAsync(Guid tenantId, Guid campaignId, string state, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await SqlCommands.ExecAsync(conn, null, "UPDATE campaigns SET state = @s WHERE tenant_id = @t AND campaign_id = @c", ct, ("t", tenantId), ("c", campaignId), ("s", state));
    }

    /// <summary>Marks the campaign deleted, drops its calling list and frees its contacts, in one transaction.</summary>
    public async Task DeleteAsync(Guid tenantId, Guid campaignId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SqlCommands.ExecAsync(conn, tx, "UPDATE campaigns SET deleted_at = now() WHERE tenant_id = @t AND campaign_id = @c", ct, ("t", tenantId), ("c", campaignId));
        await SqlCommands.ExecAsync(conn, tx, "DELETE FROM contact_dial_locks WHERE tenant_id = @t AND campaign_id = @c", ct, ("t", tenantId), ("c", campaignId));
        await SqlCommands.ExecAsync(conn, tx, $"DROP TABLE IF EXISTS {PartitionName(campaignId)}", ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<(Guid Id, string Name, string State, DateTimeOffset CreatedAt)>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT campaign_id, name, state, created_at FROM campaigns WHERE tenant_id = @t AND deleted_at IS NULL ORDER BY created_at, campaign_id");
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(Guid, string, string, DateTimeOffset)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        return list;
    }

    /// <summary>Live campaigns that use a contact list: a list in use cannot be deleted from under them.</summary>
    public async Task<IReadOnlyList<Guid>> UsingListAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT campaign_id FROM campaigns WHERE tenant_id = @t AND @l = ANY(list_ids) AND deleted_at IS NULL AND state IN ('preloading', 'running', 'paused', 'stopping')");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("l", listId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Guid>();
        while (await r.ReadAsync(ct)) list.Add(r.GetGuid(0));
        return list;
    }

    /// <summary>Campaigns left running or preloading, for waking their grains after a restart.</summary>
    /// <summary>Every running SMS and email campaign of every tenant: what the Dial Manager's senders look at.</summary>
    public async Task<IReadOnlyList<(Guid TenantId, Guid CampaignId)>> RunningMessagingAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT tenant_id, campaign_id FROM campaigns WHERE deleted_at IS NULL AND state = 'running' AND channel <> 'voice'");
        var list = new List<(Guid, Guid)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetGuid(1)));
        return list;
    }

    public async Task<IReadOnlyList<(Guid TenantId, Guid CampaignId)>> ActiveAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT tenant_id, campaign_id FROM campaigns WHERE deleted_at IS NULL AND state IN ('preloading', 'running', 'stopping')");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(Guid, Guid)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetGuid(1)));
        return list;
    }
}

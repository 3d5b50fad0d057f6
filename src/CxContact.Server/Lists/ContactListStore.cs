using CxContact.Core.Lists;
using CxContact.Core.Phones;
using CxContact.Server.Platform.Storage;
using Npgsql;

namespace CxContact.Server.Lists;

/// <summary>SQL for the list registry, each list's partition of contact_records, counts and paging.</summary>
public sealed class ContactListStore(NpgsqlDataSource db)
{
    /// <summary>The partition's table name: derived from the list id only, so no user text ever reaches DDL.</summary>
    public static string PartitionName(Guid listId) => "contact_records_" + listId.ToString("N");

    public async Task CreateAsync(Guid tenantId, Guid listId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SqlCommands.ExecAsync(conn, tx, "INSERT INTO contact_lists (tenant_id, list_id, name) VALUES (@t, @l, @n)", ct, ("t", tenantId), ("l", listId), ("n", name));
        await CreatePartitionAsync(conn, tx, PartitionName(listId), listId, attach: true, ct);
        await tx.CommitAsync(ct);
    }

    public async Task RenameAsync(Guid tenantId, Guid listId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await SqlCommands.ExecAsync(conn, null, "UPDATE contact_lists SET name = @n WHERE tenant_id = @t AND list_id = @l", ct, ("t", tenantId), ("l", listId), ("n", name));
    }

    /// <summary>Marks the list deleted and drops its records in one transaction.</summary>
    public async Task DeleteAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SqlCommands.ExecAsync(conn, tx, "UPDATE contact_lists SET deleted_at = now() WHERE tenant_id = @t AND list_id = @l", ct, ("t", tenantId), ("l", listId));
        await SqlCommands.ExecAsync(conn, tx, $"DROP TABLE IF EXISTS {PartitionName(listId)}", ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<(Guid Id, string Name, DateTimeOffset CreatedAt)>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT list_id, name, created_at FROM contact_lists WHERE tenant_id = @t AND deleted_at IS NULL ORDER BY created_at, list_id");
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(Guid, string, DateTimeOffset)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
        return list;
    }

    public async Task<ListCounts> CountAsync(Guid listId, CancellationToken ct)
    {
        var table = PartitionName(listId);
        await using var conn = await db.OpenConnectionAsync(ct);
        long records = 0, devices = 0, invalid = 0;
        await using (var cmd = new NpgsqlCommand($"SELECT count(*), coalesce(sum(cardinality(phones)), 0), coalesce(sum(jsonb_array_length(invalid_devices)), 0) FROM {table}", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (records, devices, invalid) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        var byZone = await Tally(conn, $"SELECT z, count(*) FROM {table}, unnest(phone_zones) AS z GROUP BY z", ct);
        var byType = await Tally(conn, $"SELECT t::text, count(*) FROM {table}, unnest(phone_types) AS t GROUP BY t", ct);
        return new ListCounts(records, devices, invalid, byZone.ToDictionary(kv => kv.Key.Length == 0 ? "unknown" : kv.Key, kv => kv.Value),
            byType.ToDictionary(kv => ((Core.Phones.DeviceType)int.Parse(kv.Key)).ToWire(), kv => kv.Value));
    }

    /// <summary>
    /// Which of <paramref name="names"/> no record of the list carries as a custom field. An empty list lacks none:
    /// its columns are not known until its first import. A present field stops at its first record; an absent one
    /// reads the whole partition, which only a mistake costs.
    /// </summary>
    public async Task<IReadOnlyList<string>> MissingCustomFieldsAsync(Guid listId, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0) return [];
        var table = PartitionName(listId);
        await using var cmd = db.CreateCommand($"""
            SELECT n FROM unnest(@n::text[]) AS n
            WHERE EXISTS (SELECT 1 FROM {table}) AND NOT EXISTS (SELECT 1 FROM {table} WHERE jsonb_exists(custom, n))
            ORDER BY n
            """);
        cmd.Parameters.AddWithValue("n", names.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var missing = new List<string>();
        while (await r.ReadAsync(ct)) missing.Add(r.GetString(0));
        return missing;
    }

    /// <summary>Records in import order, keyset-paged by contact id (UUIDv7, so roughly insertion order).</summary>
    /// <param name="search">A client id, phone (as stored, E.164) or email matched exactly, or the start of a first or last name.</param>
    /// <param name="invalidOnly">Only records with an invalid device, so a user can find the ones an import could not fully use.</param>
    public async Task<IReadOnlyList<ContactRow>> PageAsync(Guid listId, Guid? after, int limit, CancellationToken ct, string? search = null, bool invalidOnly = false)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {ContactRow.Columns} FROM {PartitionName(listId)}
            WHERE (@after::uuid IS NULL OR contact_id > @after)
              AND (@search::text IS NULL OR client_id = @search OR @search = ANY(phones) OR EXISTS (SELECT 1 FROM unnest(emails) AS e WHERE lower(e) = lower(@search))
                   OR first_name ILIKE @prefix OR last_name ILIKE @prefix)
              AND (NOT @invalid OR jsonb_array_length(invalid_devices) > 0)
            ORDER BY contact_id LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("after", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)after ?? DBNull.Value);
        cmd.Parameters.AddWithValue("search", NpgsqlTypes.NpgsqlDbType.Text, (object?)search ?? DBNull.Value);
        // LIKE's own characters in the search are literal.
        cmd.Parameters.AddWithValue("prefix", NpgsqlTypes.NpgsqlDbType.Text,
            search is null ? DBNull.Value : search.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%");
        cmd.Parameters.AddWithValue("invalid", invalidOnly);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<ContactRow>(limit);
        while (await r.ReadAsync(ct)) rows.Add(ContactRow.Read(r));
        return rows;
    }

    /// <summary>
    /// A table shaped like contact_records with the indexes the preload needs. With attach, it becomes the list's
    /// partition now; otherwise it is built up first and swapped in later (replace).
    /// </summary>
    internal static async Task CreatePartitionAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string table, Guid listId, bool attach, CancellationToken ct)
    {
        await SqlCommands.ExecAsync(conn, tx, $"CREATE TABLE {table} (LIKE contact_records INCLUDING DEFAULTS)", ct);
        if (attach) await SqlCommands.ExecAsync(conn, tx, $"ALTER TABLE contact_records ATTACH PARTITION {table} FOR VALUES IN ('{listId}')", ct);
    }

    /// <summary>
    /// Indexes are built after bulk loading a fresh table: much cheaper than maintaining them row by row. The two
    /// builds run at once on two sessions (CREATE INDEX locks are compatible), one per core.
    /// </summary>
    internal async Task IndexPartitionAsync(string table, CancellationToken ct)
    {
        await Task.WhenAll(
            Build($"CREATE UNIQUE INDEX {table}_pk ON {table} (contact_id)"),
            Build($"CREATE INDEX {table}_client ON {table} (client_id) WHERE client_id IS NOT NULL"));

        async Task Build(string sql)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await SqlCommands.ExecAsync(conn, null, "SET maintenance_work_mem = '256MB'", ct);
            await SqlCommands.ExecAsync(conn, null, sql, ct);
        }
    }

    private static async Task<Dictionary<string, long>> Tally(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var d = new Dictionary<string, long>();
        while (await r.ReadAsync(ct)) d[r.IsDBNull(0) ? "" : r.GetString(0)] = r.GetInt64(1);
        return d;
    }
}

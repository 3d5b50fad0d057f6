using CxContact.Server.Platform.Audit;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Platform.SignIn;

/// <summary>SQL for tenants' group-to-role mappings and the people who signed in. Changes are audited in their transaction.</summary>
public sealed class GroupRoleStore(NpgsqlDataSource db, PlatformClock clock)
{
    public async Task<IReadOnlyList<GroupRole>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT group_name, role FROM tenant_group_roles WHERE tenant_id = @t ORDER BY group_name");
        cmd.Parameters.AddWithValue("t", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<GroupRole>();
        while (await r.ReadAsync(ct)) list.Add(new GroupRole(r.GetString(0), r.GetString(1)));
        return list;
    }

    /// <summary>Replaces the tenant's whole mapping (an empty one means nobody signs in to it).</summary>
    public async Task ReplaceAsync(Guid tenantId, IReadOnlyList<GroupRole> mappings, Guid actorId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand("DELETE FROM tenant_group_roles WHERE tenant_id = @t", conn, tx))
        {
            delete.Parameters.AddWithValue("t", tenantId);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO tenant_group_roles (tenant_id, group_name, role) SELECT @t, g, r FROM unnest(@groups, @roles) AS m(g, r)
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("t", tenantId);
            insert.Parameters.AddWithValue("groups", mappings.Select(m => m.Group).ToArray());
            insert.Parameters.AddWithValue("roles", mappings.Select(m => m.Role).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorId, "tenant.group-roles-changed", tenantId.ToString(), new { mappings }, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Every tenant one of these groups is mapped in, with the highest role the groups give there.</summary>
    public async Task<IReadOnlyList<TenantMatch>> MatchAsync(IReadOnlyCollection<string> groups, CancellationToken ct)
    {
        if (groups.Count == 0) return [];
        await using var cmd = db.CreateCommand("""
            SELECT t.tenant_id, t.name, t.status, array_agg(DISTINCT m.role)
            FROM tenant_group_roles m JOIN tenants t ON t.tenant_id = m.tenant_id
            WHERE m.group_name = ANY(@groups)
            GROUP BY t.tenant_id, t.name, t.status
            ORDER BY t.name
            """);
        cmd.Parameters.AddWithValue("groups", groups.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<TenantMatch>();
        while (await r.ReadAsync(ct))
            if (PersonRoles.Highest(r.GetFieldValue<string[]>(3)) is { } role)
                list.Add(new TenantMatch(r.GetGuid(0), r.GetString(1), r.GetString(2), role));
        return list;
    }

    /// <summary>Records a sign-in to a tenant and returns the person's id there (made at the first sign-in, kept after).</summary>
    public async Task<Guid> SignedInAsync(Guid tenantId, string issuer, string subject, string? name, string? email, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO tenant_people (tenant_id, person_id, issuer, subject, name, email, first_seen_at, last_sign_in_at)
            VALUES (@t, @id, @iss, @sub, @name, @email, @now, @now)
            ON CONFLICT (tenant_id, issuer, subject) DO UPDATE SET name = excluded.name, email = excluded.email, last_sign_in_at = excluded.last_sign_in_at
            RETURNING person_id
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("iss", issuer);
        cmd.Parameters.AddWithValue("sub", subject);
        cmd.Parameters.AddWithValue("name", (object?)name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("email", (object?)email ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task StartSessionAsync(Guid tenantId, Guid sessionId, Guid personId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("INSERT INTO person_sessions (tenant_id, session_id, person_id, started_at) VALUES (@t, @s, @p, @now)");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", sessionId);
        cmd.Parameters.AddWithValue("p", personId);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends a session; true when it was open.</summary>
    public async Task<bool> EndSessionAsync(Guid tenantId, Guid sessionId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE person_sessions SET ended_at = @now WHERE tenant_id = @t AND session_id = @s AND ended_at IS NULL");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", sessionId);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> SessionOpenAsync(Guid tenantId, Guid sessionId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT ended_at IS NULL FROM person_sessions WHERE tenant_id = @t AND session_id = @s");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", sessionId);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }
}

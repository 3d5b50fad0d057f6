using Npgsql;

namespace CxContact.Server.Platform.Migrations;

/// <summary>
/// Applies pending migrations at start. Many silos may start at once: a session-level advisory lock makes them
/// queue, and each one re-reads the applied versions after it gets the lock, so every migration runs exactly once.
/// Each migration and its bookkeeping row commit in one transaction.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource db, ILogger log)
{
    /// <summary>An arbitrary constant shared by every silo of every version ("cxc-migrate").</summary>
    private const long LockKey = 0x6378_632d_6d69_6772;

    public async Task<IReadOnlyList<Migration>> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await Exec(conn, null, "SELECT pg_advisory_lock(@k)", ct, ("k", LockKey));
        try
        {
            await Exec(conn, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);

            var applied = new Dictionary<int, (string Name, string Checksum)>();
            await using (var cmd = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) applied[r.GetInt32(0)] = (r.GetString(1), r.GetString(2));

            foreach (var (version, (name, checksum)) in applied)
            {
                var known = migrations.FirstOrDefault(m => m.Version == version);
                if (known is not null && known.Checksum != checksum)
                    throw new MigrationException($"Migration {version:0000}_{name} was changed after it was applied " +
                        "(checksum differs). Add a new migration instead of editing an applied one.");
            }

            var done = new List<Migration>();
            foreach (var m in migrations.Where(m => !applied.ContainsKey(m.Version)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                try
                {
                    await Exec(conn, tx, m.Sql, ct);
                    await Exec(conn, tx, "INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", ct,
                        ("v", m.Version), ("n", m.Name), ("c", m.Checksum));
                    await tx.CommitAsync(ct);
                }
                catch (PostgresException e)
                {
                    throw new MigrationException($"Migration {m.Version:0000}_{m.Name} failed: {e.MessageText}" +
                        (e.Position > 0 ? $" (at character {e.Position})" : ""), e);
                }
                log.LogInformation("Applied migration {Version:0000}_{Name}", m.Version, m.Name);
                done.Add(m);
            }
            return done;
        }
        finally
        {
            await Exec(conn, null, "SELECT pg_advisory_unlock(@k)", CancellationToken.None, ("k", LockKey));
        }
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

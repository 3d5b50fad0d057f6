using Npgsql;

namespace CxContact.Server.Platform.Storage;

/// <summary>One statement with named parameters, no timeout (set-based work on big tables takes as long as it takes).</summary>
public static class SqlCommands
{
    public static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}

using Npgsql;

namespace CxContact.Server.Platform.Storage;

/// <summary>One statement with named parameters, no timeout (set-based work on big tables takes as long as it takes).</summary>
public static class SqlCommands
{
    public static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The same with prepared parameters, cloned (one parameter list serves several statements).</summary>
    public static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var p in parameters) cmd.Parameters.Add(p.Clone());
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The first column of the first row; the statement must return one.</summary>
    public static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, (string Name, object Value)[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return cmd;
    }
}

using Npgsql;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// ACCESS EXCLUSIVE locks on tables, held in an open transaction until released: work that reads them (a preload, an
/// import) waits there, still "running", for as long as a test needs it to. Release rolls back; a connection that
/// PostgreSQL already ended (a restart) has nothing left to release.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;
    private NpgsqlTransaction? _tx;

    private TableLock(NpgsqlConnection conn, NpgsqlTransaction tx) => (_conn, _tx) = (conn, tx);

    public static async Task<TableLock> TakeAsync(string postgres, params string[] tables)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand($"LOCK TABLE {string.Join(", ", tables)} IN ACCESS EXCLUSIVE MODE", conn, tx);
        await cmd.ExecuteNonQueryAsync();
        return new TableLock(conn, tx);
    }

    public async Task ReleaseAsync()
    {
        if (_tx is null) return;
        try { await _tx.RollbackAsync(); }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { /* the server ended the session: nothing is held */ }
        _tx = null;
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _conn.DisposeAsync();
    }
}

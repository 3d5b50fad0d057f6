using Npgsql;

namespace CxContact.Server.Platform.Storage;

/// <summary>
/// When PostgreSQL restarts, every idle connection in a pool is dead, and Npgsql does not test them when it hands them
/// out: each would fail one more command after the database is back (a 503 to a dialer, a grain state write to retry).
/// Once an outage is seen, the pools are emptied so that what follows opens fresh connections: ours, and the
/// connection-string pools Orleans' ADO.NET providers and Hangfire use. Connections in use are dropped when they return.
/// </summary>
public sealed class DeadConnections(NpgsqlDataSource db)
{
    public void Drop()
    {
        db.Clear();
        NpgsqlConnection.ClearAllPools();
    }
}

using Npgsql;

namespace CxContact.Server.Scheduling;

/// <summary>
/// One worker at a time per occurrence of a schedule, across every scheduler server: a PostgreSQL session advisory
/// lock on a connection of its own, held while the occurrence runs. The run row's occurrence key stops an occurrence
/// that finished from running again, but not two deliveries of it running at once (two jobs of the same occurrence,
/// or a job taken over while its first server still works on it): both would act, e.g. start the campaign twice and
/// record the second start's refusal over the first's success. The second delivery waits here and then finds the
/// run finished. A server that dies loses its connection, and PostgreSQL releases the lock with it.
/// </summary>
public sealed class OccurrenceHold : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly string key;

    private OccurrenceHold(NpgsqlConnection connection, string key) => (this.connection, this.key) = (connection, key);

    /// <summary>Waits until no other worker runs this occurrence, then holds it until disposed.</summary>
    public static async Task<OccurrenceHold> TakeAsync(NpgsqlDataSource db, Guid scheduleId, string occurrenceKey, CancellationToken ct)
    {
        var key = $"schedule-run:{scheduleId:N}:{occurrenceKey}";
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@k, 0))", connection);
            cmd.Parameters.AddWithValue("k", key);
            await cmd.ExecuteNonQueryAsync(ct);
            return new OccurrenceHold(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@k, 0))", connection);
            cmd.Parameters.AddWithValue("k", key);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}

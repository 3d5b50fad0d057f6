using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Scheduling;

/// <summary>Run history (schedule_runs) and the registry of tenants with schedules (scheduler_tenants).</summary>
public sealed class ScheduleRunStore(NpgsqlDataSource db)
{
    /// <summary>A run queued by "run now", shown in the history before a Hangfire worker takes it.</summary>
    public async Task<ScheduleRun> QueueManualAsync(Guid tenantId, Guid scheduleId, Guid runId, string actionType, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO schedule_runs (tenant_id, run_id, schedule_id, occurrence_key, trigger, action_type, state)
            VALUES (@t, @r, @s, @k, 'manual', @a, 'queued')
            RETURNING {ScheduleRun.Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("s", scheduleId);
        cmd.Parameters.AddWithValue("k", ManualKey(runId));
        cmd.Parameters.AddWithValue("a", actionType);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return ScheduleRun.Read(r);
    }

    public static string ManualKey(Guid runId) => "manual:" + runId.ToString("N");

    /// <summary>
    /// Starts (or starts again) the run of one occurrence. An occurrence seen before keeps its row, run id and import:
    /// a finished one is returned as it is, so the caller does nothing twice.
    /// </summary>
    public async Task<ScheduleRun> BeginAsync(Guid tenantId, Guid scheduleId, string occurrenceKey, string trigger, string actionType,
        DateTimeOffset? scheduledFor, string? hangfireJob, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO schedule_runs (tenant_id, run_id, schedule_id, occurrence_key, trigger, action_type, scheduled_for, state, attempts,
                                       hangfire_job, started_at)
            VALUES (@t, @r, @s, @k, @trig, @a, @at, 'running', 1, @job, now())
            ON CONFLICT (schedule_id, occurrence_key) DO UPDATE SET
                attempts = schedule_runs.attempts + CASE WHEN schedule_runs.state IN ('succeeded', 'failed', 'skipped') THEN 0 ELSE 1 END,
                state = CASE WHEN schedule_runs.state IN ('succeeded', 'failed', 'skipped') THEN schedule_runs.state ELSE 'running' END,
                started_at = coalesce(schedule_runs.started_at, now()),
                hangfire_job = coalesce(schedule_runs.hangfire_job, excluded.hangfire_job),
                scheduled_for = coalesce(schedule_runs.scheduled_for, excluded.scheduled_for)
            RETURNING {ScheduleRun.Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("s", scheduleId);
        cmd.Parameters.AddWithValue("k", occurrenceKey);
        cmd.Parameters.AddWithValue("trig", trigger);
        cmd.Parameters.AddWithValue("a", actionType);
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)scheduledFor ?? DBNull.Value);
        cmd.Parameters.AddWithValue("job", NpgsqlDbType.Text, (object?)hangfireJob ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return ScheduleRun.Read(r);
    }

    /// <summary>Links the run to the import it queued, so the history can point at it.</summary>
    public async Task SetImportAsync(Guid tenantId, Guid runId, Guid listId, Guid importId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE schedule_runs SET import_id = @i, list_id = @l WHERE tenant_id = @t AND run_id = @r");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("i", importId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends the run: succeeded, failed (with the reason) or skipped.</summary>
    public async Task FinishAsync(Guid tenantId, Guid runId, string state, string? error, string? detail, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE schedule_runs SET state = @s, error = @e, detail = @d, finished_at = now(), started_at = coalesce(started_at, now())
            WHERE tenant_id = @t AND run_id = @r
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("s", state);
        cmd.Parameters.AddWithValue("e", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("d", NpgsqlDbType.Text, (object?)detail ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Notes an attempt's error while Hangfire will still retry it; the run stays running.</summary>
    public async Task NoteErrorAsync(Guid tenantId, Guid runId, string error, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE schedule_runs SET error = @e WHERE tenant_id = @t AND run_id = @r AND state = 'running'");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("e", error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<ScheduleRun>> ListAsync(Guid tenantId, Guid scheduleId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {ScheduleRun.Columns} FROM schedule_runs WHERE tenant_id = @t AND schedule_id = @s ORDER BY created_at DESC, run_id DESC LIMIT @n
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", scheduleId);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var runs = new List<ScheduleRun>();
        while (await r.ReadAsync(ct)) runs.Add(ScheduleRun.Read(r));
        return runs;
    }

    public async Task RegisterTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("INSERT INTO scheduler_tenants (tenant_id) VALUES (@t) ON CONFLICT DO NOTHING");
        cmd.Parameters.AddWithValue("t", tenantId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<Guid>> TenantsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT tenant_id FROM scheduler_tenants");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var tenants = new List<Guid>();
        while (await r.ReadAsync(ct)) tenants.Add(r.GetGuid(0));
        return tenants;
    }

    /// <summary>Links the run to the export it made, so the history can point at it.</summary>
    public async Task SetExportAsync(Guid tenantId, Guid runId, Guid listId, Guid exportId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE schedule_runs SET export_id = @e, list_id = @l WHERE tenant_id = @t AND run_id = @r");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("l", listId);
        cmd.Parameters.AddWithValue("e", exportId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

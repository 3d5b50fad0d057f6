namespace CxContact.Server.Scheduling;

/// <summary>A row of schedule_runs: one occurrence of a schedule (or one "run now") and its outcome.</summary>
public sealed record ScheduleRun(
    Guid TenantId, Guid RunId, Guid ScheduleId, string OccurrenceKey, string Trigger, string ActionType, DateTimeOffset? ScheduledFor,
    string State, int Attempts, string? Error, string? Detail, Guid? ImportId, Guid? ListId, string? HangfireJob,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, Guid? ExportId)
{
    public const string Columns = "tenant_id, run_id, schedule_id, occurrence_key, trigger, action_type, scheduled_for, state, attempts, error, " +
        "detail, import_id, list_id, hangfire_job, created_at, started_at, finished_at, export_id";

    /// <summary>States a run does not leave: finding one again means the occurrence already happened.</summary>
    public bool Finished => State is "succeeded" or "failed" or "skipped";

    public static ScheduleRun Read(Npgsql.NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetString(7), r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.IsDBNull(11) ? null : r.GetGuid(11), r.IsDBNull(12) ? null : r.GetGuid(12), r.IsDBNull(13) ? null : r.GetString(13),
        r.GetFieldValue<DateTimeOffset>(14), r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15),
        r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16), r.IsDBNull(17) ? null : r.GetGuid(17));
}

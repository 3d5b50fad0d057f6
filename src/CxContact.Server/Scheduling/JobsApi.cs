using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Scheduling;

/// <summary>
/// /api/v1/jobs: the tenant's running and recent jobs of every kind in one list, newest first. Reads the job
/// tables of each feature directly; each keeps its own detail endpoint, which Link points at.
/// </summary>
public static class JobsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public static readonly IReadOnlyList<string> Kinds =
        ["contact-list-import", "suppression-import", "contact-list-export", "campaign-preload", "scheduled-run"];

    public static void MapJobsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/jobs", async Task<Results<Ok<List<JobView>>, ValidationProblem>> (int? limit, string? kind, string? state, HttpContext http,
            NpgsqlDataSource db, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var n = limit ?? DefaultLimit;
            if (n is < 1 or > MaxLimit) errors.Add("limit", $"must be between 1 and {MaxLimit}");
            if (kind is not null && !Kinds.Contains(kind)) errors.Add("kind", $"\"{kind}\" is not a kind; use {string.Join(", ", Kinds)}");
            if (state is not null && state is not ("active" or "queued" or "running" or "succeeded" or "failed" or "skipped"))
                errors.Add("state", $"\"{state}\" is not a state; use active, queued, running, succeeded, failed or skipped");
            if (errors.Any) return errors.ToProblem();
            return TypedResults.Ok(await ListAsync(db, Caller.From(http.User).TenantId, n, kind, state, ct));
        }).WithTags("Jobs").RequireAuthorization(Policies.TenantReader)
            .WithSummary("Running and recent jobs of every kind (contact-list imports, suppression imports, contact-list exports, campaign " +
                         "preloads, scheduled runs) with their progress; " +
                         "?kind=, ?state= (active = queued or running), ?limit=");
    }

    private static async Task<List<JobView>> ListAsync(NpgsqlDataSource db, Guid tenantId, int limit, string? kind, string? state, CancellationToken ct)
    {
        // Each branch is limited on its own first, so one kind with a long history does not make the others scan theirs.
        const string Filter = "(@state::text IS NULL OR state = @state OR (@state = 'active' AND state IN ('queued', 'running')))";
        await using var cmd = db.CreateCommand($"""
            SELECT kind, id, state, phase, created_at, started_at, finished_at, error, rows_read, bytes_read, file_bytes, detail, owner_id, schedule_id
            FROM (
                (SELECT 'contact-list-import' AS kind, import_id AS id, state, phase, created_at, started_at, finished_at, error, rows_read,
                        bytes_read, file_bytes, file_name AS detail, list_id AS owner_id, NULL::uuid AS schedule_id
                 FROM list_imports WHERE tenant_id = @t AND {Filter} AND (@kind::text IS NULL OR @kind = 'contact-list-import') ORDER BY created_at DESC LIMIT @n)
                UNION ALL
                (SELECT 'suppression-import', import_id, state, state, created_at, started_at, finished_at, error, rows_read,
                        0::bigint, file_bytes, file_name, list_id, NULL::uuid
                 FROM suppression_imports WHERE tenant_id = @t AND {Filter} AND (@kind::text IS NULL OR @kind = 'suppression-import') ORDER BY created_at DESC LIMIT @n)
                UNION ALL
                (SELECT 'contact-list-export', export_id, state, state, created_at, started_at, finished_at, error, rows_written,
                        bytes_written, bytes_written, remote_path, list_id, NULL::uuid
                 FROM contact_list_exports WHERE tenant_id = @t AND {Filter} AND (@kind::text IS NULL OR @kind = 'contact-list-export') ORDER BY created_at DESC LIMIT @n)
                UNION ALL
                (SELECT 'campaign-preload', preload_id, state, CASE WHEN incremental THEN 'merge' WHEN NOT incremental THEN 'first load' ELSE state END,
                        created_at, created_at, finished_at, error, rows_total, 0::bigint, 0::bigint,
                        CASE WHEN state = 'succeeded' THEN callable || ' of ' || rows_total || ' records callable' END, campaign_id, NULL::uuid
                 FROM campaign_preloads WHERE tenant_id = @t AND {Filter} AND (@kind::text IS NULL OR @kind = 'campaign-preload') ORDER BY created_at DESC LIMIT @n)
                UNION ALL
                (SELECT 'scheduled-run', run_id, state, action_type, created_at, started_at, finished_at, error, 0::bigint,
                        0::bigint, 0::bigint, detail, list_id, schedule_id
                 FROM schedule_runs WHERE tenant_id = @t AND {Filter} AND (@kind::text IS NULL OR @kind = 'scheduled-run') ORDER BY created_at DESC LIMIT @n)
            ) jobs
            ORDER BY created_at DESC, id DESC
            LIMIT @n
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("n", limit);
        cmd.Parameters.AddWithValue("kind", NpgsqlTypes.NpgsqlDbType.Text, (object?)kind ?? DBNull.Value);
        cmd.Parameters.AddWithValue("state", NpgsqlTypes.NpgsqlDbType.Text, (object?)state ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var jobs = new List<JobView>();
        while (await r.ReadAsync(ct))
        {
            var k = r.GetString(0);
            var id = r.GetGuid(1);
            var owner = r.IsDBNull(12) ? (Guid?)null : r.GetGuid(12);
            var link = k switch
            {
                "contact-list-import" => $"/api/v1/contact-lists/{owner}/imports/{id}",
                "suppression-import" => $"/api/v1/suppression-lists/{owner}/imports/{id}",
                "contact-list-export" => $"/api/v1/contact-lists/{owner}/exports/{id}",
                "campaign-preload" => $"/api/v1/campaigns/{owner}/preload-report",
                _ => $"/api/v1/schedules/{r.GetGuid(13)}/runs",
            };
            jobs.Add(new JobView(k, id, r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.IsDBNull(11) ? null : r.GetString(11), link));
        }
        return jobs;
    }
}

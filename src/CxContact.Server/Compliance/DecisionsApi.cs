using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Server.Api;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Compliance;

/// <summary>/api/v1/compliance/decisions: the audit trail of decisions, queried as JSON or exported as CSV.</summary>
public static class DecisionsApi
{
    public const int MaxLimit = 1000;
    public sealed record DecisionRow(DateTimeOffset DecidedAt, DateTimeOffset At, string Subject, bool Allowed, string[] Rules, string RuleSet,
        JsonElement Input, JsonElement Decision);

    public static void MapDecisionsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/compliance/decisions").WithTags("Compliance").RequireAuthorization(Policies.TenantReader);

        g.MapGet("/", async Task<Results<Ok<List<DecisionRow>>, ValidationProblem>> (HttpContext http, NpgsqlDataSource db, CancellationToken ct,
            string? subject, DateTimeOffset? from, DateTimeOffset? to, int? limit) =>
        {
            if (limit is < 1 or > MaxLimit) return new FieldErrors().Add("limit", $"must be between 1 and {MaxLimit}").ToProblem();
            var rows = new List<DecisionRow>();
            await foreach (var r in ReadAsync(db, Caller.From(http.User).TenantId, subject, from, to, limit ?? 100, ct)) rows.Add(r);
            return TypedResults.Ok(rows);
        }).WithSummary("Decisions, newest first; filter by subject (E.164 number or email) and time");

        g.MapGet("/export", async (HttpContext http, NpgsqlDataSource db, CancellationToken ct, string? subject, DateTimeOffset? from, DateTimeOffset? to) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"compliance-decisions.csv\"";
            var sb = new StringBuilder("decided_at,at,subject,decision,rules,rule_set,input,reasons\r\n");
            var caller = Caller.From(http.User);
            long rows = 0;
            await using (new Platform.Audit.ExportAudit(db, caller, "decisions.exported", subject, () => rows, new { from, to }))
            {
                await foreach (var r in ReadAsync(db, caller.TenantId, subject, from, to, int.MaxValue, ct))
                {
                    CsvCell.Row(sb, r.DecidedAt.ToString("O", CultureInfo.InvariantCulture), r.At.ToString("O", CultureInfo.InvariantCulture), r.Subject,
                        r.Allowed ? "allow" : "deny", string.Join(' ', r.Rules), r.RuleSet, r.Input.GetRawText(), r.Decision.GetProperty("reasons").GetRawText());
                    rows++;
                    if (sb.Length > 64 * 1024) { await http.Response.WriteAsync(sb.ToString(), ct); sb.Clear(); }
                }
                await http.Response.WriteAsync(sb.ToString(), ct);
            }
        }).RequireAuthorization(Policies.ExportPii).WithSummary("Export decisions as CSV (streamed); written to the audit log with its row count");
    }

    private static async IAsyncEnumerable<DecisionRow> ReadAsync(NpgsqlDataSource db, Guid tenantId, string? subject, DateTimeOffset? from, DateTimeOffset? to,
        int limit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT decided_at, at, subject, allowed, rules, rule_set, input::text, decision::text FROM compliance_decisions
            WHERE tenant_id = @t AND (@s::text IS NULL OR subject = @s) AND (@from::timestamptz IS NULL OR decided_at >= @from)
              AND (@to::timestamptz IS NULL OR decided_at < @to)
            ORDER BY decided_at DESC LIMIT @n
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Text, (object?)subject ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)from ?? DBNull.Value);
        cmd.Parameters.AddWithValue("to", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)to ?? DBNull.Value);
        cmd.Parameters.AddWithValue("n", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            yield return new DecisionRow(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetBoolean(3),
                r.GetFieldValue<string[]>(4), r.GetString(5), JsonDocument.Parse(r.GetString(6)).RootElement.Clone(), JsonDocument.Parse(r.GetString(7)).RootElement.Clone());
    }
}

using CxContact.Server.Jobs;
using System.Text;
using CxContact.Core.Lists;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// /api/v1/contact-lists/{id}/imports: upload a file (streamed to the landing directory, never held in memory),
/// queue its import, and follow it. The import itself runs later in an ImportWorker.
/// </summary>
public static class ImportsApi
{
    public static readonly IReadOnlyList<string> Modes = ["append", "replace", "update"];

    public static void MapImportsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/contact-lists/{listId:guid}/imports").WithTags("Contact lists");

        g.MapPost("/", StartAsync).RequireAuthorization(Policies.TenantOperator).DisableAntiforgery().WithMetadata(Api.OpenApi.UploadBody.Instance)
            .WithSummary("Queue an import: upload a file (multipart parts: file, spec?, mode?), or pull one from SFTP " +
                "(JSON: {source: {sftpConnectionId, remotePath}, mode?, spec?}); answers 202");

        g.MapPost("/preview", PreviewAsync).RequireAuthorization(Policies.TenantOperator).DisableAntiforgery().WithMetadata(Api.OpenApi.UploadBody.Instance)
            .WithSummary($"Dry-run an import over the first {ImportPreview.MaxRows:N0} rows of a file (multipart parts: file, spec?, mode?): " +
                "what each column feeds, the first rows as read, and the rows the import would accept, reject (with why) or leave out; nothing is written");

        g.MapGet("/", async Task<Results<Ok<List<ImportView>>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains,
            ImportJobStore jobs, PlatformClock clock, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.Grain(caller, listId).GetAsync() is null) return ContactListsApi.NoSuchList(listId);
            var now = clock.GetUtcNow();
            return TypedResults.Ok((await jobs.ListAsync(caller.TenantId, listId, 50, ct)).Select(j => ImportView.From(j, now)).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The list's recent imports");

        g.MapGet("/{importId:guid}", async Task<Results<Ok<ImportView>, ProblemHttpResult>> (Guid listId, Guid importId, HttpContext http,
            ImportJobStore jobs, PlatformClock clock, CancellationToken ct) =>
            await jobs.GetAsync(Caller.From(http.User).TenantId, listId, importId, ct) is { } job
                ? TypedResults.Ok(ImportView.From(job, clock.GetUtcNow())) : NoSuchImport(importId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("An import's state, counters, speed and ETA");

        g.MapGet("/{importId:guid}/errors", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (Guid listId, Guid importId, HttpContext http,
            ImportJobStore jobs, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await jobs.GetAsync(caller.TenantId, listId, importId, ct) is null) return NoSuchImport(importId);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{importId}-errors.csv\"";
            await using var cmd = db.CreateCommand("SELECT row_no, column_name, reason, warning FROM list_import_errors WHERE import_id = @i AND tenant_id = @t ORDER BY row_no, column_name");
            cmd.Parameters.AddWithValue("i", importId);
            cmd.Parameters.AddWithValue("t", caller.TenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var sb = new StringBuilder("row,column,reason,severity\r\n");
            while (await r.ReadAsync(ct))
            {
                CsvCell.Row(sb, r.GetInt32(0).ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2),
                    RowError.SeverityOf(r.GetBoolean(3)));
                if (sb.Length > 64 * 1024) { await http.Response.WriteAsync(sb.ToString(), ct); sb.Clear(); }
            }
            await http.Response.WriteAsync(sb.ToString(), ct);
            return TypedResults.Empty;
        }).RequireAuthorization(Policies.TenantReader).Produces<string>(200, "text/csv").WithSummary("The rows rejected or kept with a warning, as CSV: row, column, reason, severity (reject or warning)");
    }

    private static async Task<Results<Accepted<ImportAccepted>, ValidationProblem, ProblemHttpResult>> StartAsync(
        Guid listId, HttpContext http, IGrainFactory grains, LandingDirectory landing, ImportJobStore jobs,
        Sftp.SftpConnectionStore connections, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var list = await grains.Grain(caller, listId).GetAsync();
        if (list is null) return ContactListsApi.NoSuchList(listId);
        if (http.Request.HasJsonContentType()) return await PullAsync(listId, list, caller, http, landing, jobs, connections, ct);

        var errors = new FieldErrors();
        var (upload, problem) = await ImportUpload.ReadAsync(http, caller.TenantId, landing, errors, "append, replace or update", ct);
        if (problem is not null) return problem;
        var mode = Mode(upload!.ModeText, errors);
        string specJson;
        if (upload.SpecText is { } specText)
        {
            var spec = SpecParser.Parse(specText, errors);
            specJson = specText;
            if (spec is not null && mode == "update") CheckUpdateKey(spec, errors);
        }
        else specJson = list.SpecJson ?? "{}";
        if (errors.Any) { upload.DeleteFile(); return errors.ToProblem(); }

        var (job, created) = await jobs.EnqueueAsync(caller.TenantId, listId, mode, specJson, upload.FilePath!, upload.FileName, upload.Size, upload.IdempotencyKey, ct);
        return upload.Accepted(http, created, job.ImportId, job.State, $"/api/v1/contact-lists/{listId}/imports/{job.ImportId}");
    }

    private static async Task<Results<Ok<ImportPreview>, ValidationProblem, ProblemHttpResult>> PreviewAsync(
        Guid listId, HttpContext http, IGrainFactory grains, LandingDirectory landing, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var list = await grains.Grain(caller, listId).GetAsync();
        if (list is null) return ContactListsApi.NoSuchList(listId);
        var errors = new FieldErrors();
        var (upload, problem) = await ImportUpload.ReadAsync(http, caller.TenantId, landing, errors, "append, replace or update", ct);
        if (problem is not null) return problem;
        try
        {
            var mode = Mode(upload!.ModeText, errors);
            var spec = SpecParser.Parse(upload.SpecText ?? list.SpecJson ?? "{}", errors);
            if (spec is not null && mode == "update") CheckUpdateKey(spec, errors);
            if (errors.Any || spec is null) return errors.ToProblem();
            var (country, zone) = await ImportRunner.DefaultsAsync(grains, caller.TenantId, spec, list);
            try
            {
                return TypedResults.Ok(await ImportPreview.ReadAsync(upload.FilePath!, spec, country, zone, ct));
            }
            catch (ImportPlanException e) { errors.Add(e.Where, e.Message); }
            catch (ImportFailedException e) { errors.Add("file", e.Message); }
            return errors.ToProblem();
        }
        finally { upload?.DeleteFile(); }
    }

    private static async Task<Results<Accepted<ImportAccepted>, ValidationProblem, ProblemHttpResult>> PullAsync(Guid listId, ContactListInfo list,
        Caller caller, HttpContext http, LandingDirectory landing, ImportJobStore jobs, Sftp.SftpConnectionStore connections, CancellationToken ct)
    {
        if (await http.RequestServices.GetRequiredService<LandingQuota>().RefuseWhenFullAsync(caller.TenantId, ct) is { } full) return full;
        var errors = new FieldErrors();
        var pull = await ImportPull.ReadAsync(http, caller.TenantId, connections, Modes, errors, ct);
        string specJson = list.SpecJson ?? "{}";
        if (pull?.Spec is { } spec)
        {
            if (SpecParser.Parse(spec, errors) is { } parsed && pull.Mode == "update") CheckUpdateKey(parsed, errors);
            specJson = spec.GetRawText();
        }
        if (errors.Any) return errors.ToProblem();

        var (job, created) = await jobs.EnqueueAsync(caller.TenantId, listId, pull!.Mode, specJson, landing.NewFile(caller.TenantId, ".sftp"),
            Path.GetFileName(pull.RemotePath), 0, pull.IdempotencyKey, ct, pull.SftpConnectionId, pull.RemotePath);
        return ImportPull.Accepted(http, created, job.ImportId, job.State, $"/api/v1/contact-lists/{listId}/imports/{job.ImportId}");
    }

    /// <summary>The upload's mode part (append when left out), checked.</summary>
    private static string Mode(string? modeText, FieldErrors errors)
    {
        var mode = modeText ?? "append";
        if (!Modes.Contains(mode)) errors.Add("mode", $"\"{mode}\" is not a mode; use append, replace or update");
        return mode;
    }

    public static void CheckUpdateKey(ImportSpec spec, FieldErrors errors)
    {
        var key = spec.UpdateKey ?? StandardFields.ClientId;
        if (spec.Columns.Count > 0 && !spec.Columns.Any(c => !c.Ignore && (c.Field == key || (c.IsCustom && c.Name == key))))
            errors.Add("spec.updateKey", $"update mode matches records by \"{key}\", but no column is mapped to it");
    }



    private static ProblemHttpResult NoSuchImport(Guid importId) =>
        TypedResults.Problem(statusCode: 404, title: "No such import", detail: $"This list has no import {importId}.");
}

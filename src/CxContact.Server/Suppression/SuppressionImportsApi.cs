using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Lists;
using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CxContact.Server.Suppression;

/// <summary>
/// /api/v1/suppression-lists/{id}/imports: upload a CSV (streamed to the landing directory like contact-list
/// uploads), queue its import, and follow it. The import runs later in a <see cref="SuppressionImportWorker"/>.
/// </summary>
public static class SuppressionImportsApi
{
    public sealed record ImportView(Guid Id, string State, string Mode, string? FileName, long FileBytes, long RowsRead, long Accepted,
        long Rejected, long Entries, IReadOnlyList<string> Warnings, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, string ErrorsUrl, string Source, Guid? SftpConnectionId, string? RemotePath);

    public static readonly IReadOnlyList<string> Modes = ["append", "replace"];

    public static void MapSuppressionImportsApi(this RouteGroupBuilder lists)
    {
        var g = lists.MapGroup("/{listId:guid}/imports");

        g.MapPost("/", StartAsync).RequireAuthorization(Policies.TenantOperator).DisableAntiforgery()
            .WithSummary("Queue an import from CSV: upload it (multipart parts: file, spec?, mode? = append | replace), or pull it from SFTP " +
                "(JSON: {source: {sftpConnectionId, remotePath}, mode?, spec?}); answers 202");

        g.MapGet("/", async Task<Results<Ok<List<ImportView>>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains,
            SuppressionImportStore jobs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            return TypedResults.Ok((await jobs.ListAsync(caller.TenantId, listId, 50, ct)).Select(View).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The list's recent imports, newest first");

        g.MapGet("/{importId:guid}", async Task<Results<Ok<ImportView>, ProblemHttpResult>> (Guid listId, Guid importId, HttpContext http,
            SuppressionImportStore jobs, CancellationToken ct) =>
            await jobs.GetAsync(Caller.From(http.User).TenantId, listId, importId, ct) is { } job ? TypedResults.Ok(View(job)) : NoSuchImport(importId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("An import's state and counters");

        g.MapGet("/{importId:guid}/errors", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (Guid listId, Guid importId, HttpContext http,
            SuppressionImportStore jobs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await jobs.GetAsync(caller.TenantId, listId, importId, ct) is null) return NoSuchImport(importId);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"suppression-import-{importId}-errors.csv\"";
            var sb = new StringBuilder("row,column,reason\r\n");
            await foreach (var (row, column, reason) in jobs.ErrorsAsync(caller.TenantId, importId, ct))
            {
                CsvCell.Row(sb, row.ToString(CultureInfo.InvariantCulture), column, reason);
                if (sb.Length > 64 * 1024) { await http.Response.WriteAsync(sb.ToString(), ct); sb.Clear(); }
            }
            await http.Response.WriteAsync(sb.ToString(), ct);
            return TypedResults.Empty;
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The rejected rows as CSV: row, column, reason");
    }

    private static async Task<Results<Accepted<ImportAccepted>, ValidationProblem, ProblemHttpResult>> StartAsync(
        Guid listId, HttpContext http, IGrainFactory grains, LandingDirectory landing, SuppressionImportStore jobs, PlatformSettings settings,
        Sftp.SftpConnectionStore connections, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
        var errors = new FieldErrors();
        if (http.Request.HasJsonContentType())
        {
            var pull = await ImportPull.ReadAsync(http, caller.TenantId, connections, Modes, errors, ct);
            if (pull?.Spec is { } pulledSpec) Validate(pulledSpec.GetRawText(), errors);
            if (pull is null || errors.Any) return errors.ToProblem();
            var (pulled, isNew) = await jobs.EnqueueAsync(caller.TenantId, listId, pull.Mode, pull.Spec?.GetRawText() ?? "{}",
                landing.NewFile(caller.TenantId, ".sftp"), Path.GetFileName(pull.RemotePath), 0, pull.IdempotencyKey, ct, pull.SftpConnectionId, pull.RemotePath);
            return ImportPull.Accepted(http, isNew, pulled.ImportId, pulled.State, $"/api/v1/suppression-lists/{listId}/imports/{pulled.ImportId}");
        }

        var (upload, problem) = await ImportUpload.ReadAsync(http, caller.TenantId, landing, settings, errors, "append or replace", ct);
        if (problem is not null) return problem;
        var mode = upload!.ModeText ?? "append";
        if (mode is not ("append" or "replace")) errors.Add("mode", $"\"{mode}\" is not a mode; use append or replace");
        var specJson = upload.SpecText ?? "{}";
        if (upload.SpecText is not null) Validate(upload.SpecText, errors);
        if (errors.Any) { upload.DeleteFile(); return errors.ToProblem(); }

        var (job, created) = await jobs.EnqueueAsync(caller.TenantId, listId, mode, specJson, upload.FilePath!, upload.FileName, upload.Size, upload.IdempotencyKey, ct);
        return upload.Accepted(http, created, job.ImportId, job.State, $"/api/v1/suppression-lists/{listId}/imports/{job.ImportId}");
    }

    /// <summary>Checks the spec before anything is queued; the file format is judged by the contact lists' own rules.</summary>
    public static void Validate(string text, FieldErrors errors)
    {
        SuppressionImportSpec? spec;
        try { spec = JsonSerializer.Deserialize<SuppressionImportSpec>(text, ImportRunner.SpecJson); }
        catch (JsonException e)
        {
            var at = e.Path is { Length: > 1 } p ? "spec" + p.TrimStart('$') : "spec";
            errors.Add(at, e.Message.Contains("could not be mapped") ? "is not a field of a suppression import spec" : "is not valid JSON of the right type");
            return;
        }
        if (spec is null) { errors.Add("spec", "must be a JSON object"); return; }
        foreach (var (field, messages) in ImportSpecValidator.Validate(new ImportSpec { Format = spec.Format ?? new FileFormat() }))
            if (field.StartsWith("spec.format", StringComparison.Ordinal))
                foreach (var m in messages) errors.Add(field, m);
        if (spec.Format is null) errors.Add("spec.format", "may not be null; leave it out for the defaults");
        if (spec.RejectThresholdPercent is < 0 or > 100 || double.IsNaN(spec.RejectThresholdPercent))
            errors.Add("spec.rejectThresholdPercent", "must be between 0 and 100");
        if (spec.Format is { HasHeader: false } && spec.Columns is null)
            errors.Add("spec.columns", "a file without a header row needs column mappings (column numbers from 1)");
        if (spec.Columns is { } c)
        {
            var all = new[] { ("phone", c.Phone), ("email", c.Email), ("clientId", c.ClientId), ("startsAt", c.StartsAt), ("expiresAt", c.ExpiresAt), ("source", c.Source) };
            if (c.Phone is null && c.Email is null && c.ClientId is null) errors.Add("spec.columns", "map at least one of phone, email and clientId");
            foreach (var (field, source) in all)
            {
                if (source is null) continue;
                if (source.Trim().Length == 0) errors.Add($"spec.columns.{field}", "is empty; leave it out, or name a header");
                else if (spec.Format is { HasHeader: false } && !(int.TryParse(source, out var n) && n >= 1))
                    errors.Add($"spec.columns.{field}", $"\"{source}\" is not a column number; the file has no header row, so give a number from 1");
            }
            foreach (var twice in all.Where(a => a.Item2 is { Length: > 0 }).GroupBy(a => a.Item2!.Trim().ToLowerInvariant()).Where(g => g.Count() > 1))
                errors.Add("spec.columns", $"\"{twice.First().Item2}\" is mapped to {string.Join(" and ", twice.Select(t => t.Item1))}; a column holds one field");
        }
    }

    private static ImportView View(SuppressionImportJob j) => new(j.ImportId, j.State, j.Mode, j.FileName, j.FileBytes, j.RowsRead, j.Accepted,
        j.Rejected, j.Entries, j.Warnings, j.Error, j.CreatedAt, j.StartedAt, j.FinishedAt,
        $"/api/v1/suppression-lists/{j.ListId}/imports/{j.ImportId}/errors", j.Source, j.SftpConnectionId, j.RemotePath);


    private static ProblemHttpResult NoSuchImport(Guid importId) =>
        TypedResults.Problem(statusCode: 404, title: "No such import", detail: $"This suppression list has no import {importId}.");
}

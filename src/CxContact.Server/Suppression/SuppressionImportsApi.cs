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
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CxContact.Server.Suppression;

/// <summary>
/// /api/v1/suppression-lists/{id}/imports: upload a CSV (streamed to the landing directory like contact-list
/// uploads), queue its import, and follow it. The import runs later in a <see cref="SuppressionImportWorker"/>.
/// </summary>
public static class SuppressionImportsApi
{
    public sealed record ImportAccepted(Guid Id, string State, string StatusUrl);
    public sealed record ImportView(Guid Id, string State, string Mode, string? FileName, long FileBytes, long RowsRead, long Accepted,
        long Rejected, long Entries, IReadOnlyList<string> Warnings, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, string ErrorsUrl);

    public static void MapSuppressionImportsApi(this RouteGroupBuilder lists)
    {
        var g = lists.MapGroup("/{listId:guid}/imports");

        g.MapPost("/", StartAsync).RequireAuthorization(Policies.TenantOperator).DisableAntiforgery()
            .WithSummary("Queue an import from CSV (multipart parts: file, spec?, mode? = append | replace); answers 202");

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
        CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return TypedResults.Problem(statusCode: 415, title: "Send multipart/form-data",
                detail: "An import is a multipart/form-data request with the parts file, spec (optional JSON) and mode (append or replace).");
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        var errors = new FieldErrors();
        if (idempotencyKey is { Length: > ImportsApi.MaxIdempotencyKey }) errors.Add("Idempotency-Key", $"at most {ImportsApi.MaxIdempotencyKey} characters");

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxUploadBytes;
        string? filePath = null, fileName = null, specText = null, modeText = null;
        long size = 0;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = settings.MaxUploadBytes };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                var name = disposition?.Name.Value?.Trim('"') ?? "";
                switch (name)
                {
                    case "file" when filePath is null:
                        filePath = landing.NewFile(caller.TenantId, ".upload");
                        fileName = disposition!.FileName.Value?.Trim('"') ?? disposition.FileNameStar.Value;
                        await using (var file = new FileStream(filePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                            await section.Body.CopyToAsync(file, ct);
                        size = new FileInfo(filePath).Length;
                        break;
                    case "file": errors.Add("file", "send one file per import"); break;
                    case "spec": specText = await ImportsApi.ReadSmallAsync(section.Body, ct); break;
                    case "mode": modeText = (await ImportsApi.ReadSmallAsync(section.Body, ct)).Trim(); break;
                    default: errors.Add(name.Length == 0 ? "(part)" : name, "is not a part this endpoint takes; send file, spec and mode"); break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException { StatusCode: 413 })
        {
            Delete(filePath);
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) || e is BadHttpRequestException
                ? TypedResults.Problem(statusCode: 413, title: "The upload is too large", detail: $"At most {settings.MaxUploadBytes / (1024 * 1024)} MB (CXC_MAX_UPLOAD_MB).")
                : TypedResults.Problem(statusCode: 400, title: "The multipart body could not be read", detail: e.Message);
        }

        if (filePath is null) errors.Add("file", "is required: the CSV file to import");
        var mode = modeText ?? "append";
        if (mode is not ("append" or "replace")) errors.Add("mode", $"\"{mode}\" is not a mode; use append or replace");
        var specJson = specText ?? "{}";
        if (specText is not null) Validate(specText, errors);
        if (errors.Any) { Delete(filePath); return errors.ToProblem(); }

        var (job, created) = await jobs.EnqueueAsync(caller.TenantId, listId, mode, specJson, filePath!, fileName, size, idempotencyKey, ct);
        if (!created)
        {
            // The same upload again: answer with the import it already started, and import nothing twice.
            Delete(filePath);
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        var url = $"/api/v1/suppression-lists/{listId}/imports/{job.ImportId}";
        return TypedResults.Accepted(url, new ImportAccepted(job.ImportId, job.State, url));
    }

    /// <summary>Checks the spec before anything is queued; the file format is judged by the contact lists' own rules.</summary>
    private static void Validate(string text, FieldErrors errors)
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
        $"/api/v1/suppression-lists/{j.ListId}/imports/{j.ImportId}/errors");

    private static void Delete(string? path)
    {
        if (path is null) return;
        try { File.Delete(path); } catch (IOException) { /* retention cleans the landing directory */ }
    }

    private static ProblemHttpResult NoSuchImport(Guid importId) =>
        TypedResults.Problem(statusCode: 404, title: "No such import", detail: $"This suppression list has no import {importId}.");
}

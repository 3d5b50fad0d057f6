using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Lists;
using CxContact.Server.Jobs;
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
    public sealed record SuppressionImportView(Guid Id, string State, string Mode, string? FileName, long FileBytes, long RowsRead, long Accepted,
        long Rejected, long Entries, IReadOnlyList<string> Warnings, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, string ErrorsUrl, string Source, Guid? SftpConnectionId, string? RemotePath, string? Feed, FeedCounts? Changes);

    /// <summary>
    /// What a feed import did: entries new to the list, entries the list no longer has, deletions another source
    /// (another feed, or a direct add) outlived, and delete rows for numbers the feed did not hold.
    /// </summary>
    public sealed record FeedCounts(long Added, long Removed, long Kept, long NotOnList);

    /// <summary>Modes that can take entries off the list: audited when queued (who) and when applied (how many rows).</summary>
    public static readonly IReadOnlyList<string> RemovingModes = ["replace", "changes", "full"];

    /// <summary>append and replace write the list directly; the feed modes write one feed's holdings (<see cref="FeedModes"/>).</summary>
    public static readonly IReadOnlyList<string> Modes = ["append", "replace", "changes", "area-codes", "full"];
    public static readonly IReadOnlySet<string> FeedModes = new HashSet<string> { "changes", "area-codes", "full" };
    public const int MaxFeedLength = 64;

    public static void MapSuppressionImportsApi(this RouteGroupBuilder lists)
    {
        var g = lists.MapGroup("/{listId:guid}/imports");

        g.MapPost("/", StartAsync).RequireAuthorization(Policies.TenantOperator).DisableAntiforgery().WithMetadata(Api.OpenApi.UploadBody.Instance)
            .WithSummary("Queue an import from CSV (plain, .zip or .gz): upload it (multipart parts: file, spec?, mode? = append | replace | changes | " +
                "area-codes | full), or pull it from SFTP (JSON: {source: {sftpConnectionId, remotePath}, mode?, spec?}); answers 202. " +
                "The feed modes (changes, area-codes, full) apply a registry's change list or full lists as spec.feed's holdings");

        g.MapGet("/", async Task<Results<Ok<List<SuppressionImportView>>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains,
            SuppressionImportStore jobs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            return TypedResults.Ok((await jobs.ListAsync(caller.TenantId, listId, 50, ct)).Select(View).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The list's recent imports, newest first");

        g.MapGet("/{importId:guid}", async Task<Results<Ok<SuppressionImportView>, ProblemHttpResult>> (Guid listId, Guid importId, HttpContext http,
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
        Guid listId, HttpContext http, IGrainFactory grains, LandingDirectory landing, SuppressionImportStore jobs,
        Sftp.SftpConnectionStore connections, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
        var errors = new FieldErrors();
        if (http.Request.HasJsonContentType())
        {
            if (await http.RequestServices.GetRequiredService<LandingQuota>().RefuseWhenFullAsync(caller.TenantId, ct) is { } full) return full;
            var pull = await ImportPull.ReadAsync(http, caller.TenantId, connections, Modes, errors, ct);
            if (pull is not null) Validate(pull.Spec?.GetRawText() ?? "{}", pull.Mode, errors);
            if (pull is null || errors.Any) return errors.ToProblem();
            var (pulled, isNew) = await jobs.EnqueueAsync(caller.TenantId, listId, pull.Mode, pull.Spec?.GetRawText() ?? "{}",
                landing.NewFile(caller.TenantId, ".sftp"), Path.GetFileName(pull.RemotePath), 0, pull.IdempotencyKey, ct, pull.SftpConnectionId, pull.RemotePath);
            if (isNew) await AuditQueuedAsync(http, caller, listId, pulled.ImportId, pull.Mode, pull.RemotePath, ct);
            return ImportPull.Accepted(http, isNew, pulled.ImportId, pulled.State, $"/api/v1/suppression-lists/{listId}/imports/{pulled.ImportId}");
        }

        var (upload, problem) = await ImportUpload.ReadAsync(http, caller.TenantId, landing, errors, ImportPull.Or(Modes), ct);
        if (problem is not null) return problem;
        var mode = upload!.ModeText ?? "append";
        if (!Modes.Contains(mode)) errors.Add("mode", $"\"{mode}\" is not a mode; use {ImportPull.Or(Modes)}");
        var specJson = upload.SpecText ?? "{}";
        Validate(specJson, mode, errors);
        if (errors.Any) { upload.DeleteFile(); return errors.ToProblem(); }

        var (job, created) = await jobs.EnqueueAsync(caller.TenantId, listId, mode, specJson, upload.FilePath!, upload.FileName, upload.Size, upload.IdempotencyKey, ct);
        if (created) await AuditQueuedAsync(http, caller, listId, job.ImportId, mode, upload.FileName, ct);
        return upload.Accepted(http, created, job.ImportId, job.State, $"/api/v1/suppression-lists/{listId}/imports/{job.ImportId}");
    }

    private static async Task AuditQueuedAsync(HttpContext http, Caller caller, Guid listId, Guid importId, string mode, string? file, CancellationToken ct)
    {
        if (!RemovingModes.Contains(mode)) return;
        await Platform.Audit.AuditTrail.RecordAsync(http.RequestServices.GetRequiredService<Npgsql.NpgsqlDataSource>(), caller.TenantId, caller.KeyId,
            "suppression.import-queued", listId.ToString(), new { importId, mode, file }, ct);
    }

    /// <summary>Checks the spec before anything is queued; the file format is judged by the contact lists' own rules.</summary>
    public static void Validate(string text, string mode, FieldErrors errors)
    {
        SuppressionImportSpec? spec;
        try { spec = JsonSerializer.Deserialize<SuppressionImportSpec>(text, ImportSpecJson.Options); }
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
            var all = new[]
            {
                ("phone", c.Phone), ("email", c.Email), ("clientId", c.ClientId), ("startsAt", c.StartsAt), ("expiresAt", c.ExpiresAt),
                ("source", c.Source), ("action", c.Action), ("areaCode", c.AreaCode),
            };
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
            if (c.AreaCode is not null && c.Phone is null) errors.Add("spec.columns.areaCode", "needs spec.columns.phone: the column with the other 7 digits");
        }
        // An unknown mode is its own error; which feed fields it allows cannot be said.
        if (Modes.Contains(mode)) ValidateFeed(spec, mode, errors);
    }

    /// <summary>The feed modes' fields: only where they mean something, and each in its range.</summary>
    private static void ValidateFeed(SuppressionImportSpec spec, string mode, FieldErrors errors)
    {
        var c = spec.Columns;
        if (!FeedModes.Contains(mode))
        {
            foreach (var (field, given) in new (string, bool)[]
                     {
                         ("spec.feed", spec.Feed is not null), ("spec.action", spec.Action is not null), ("spec.actionValues", spec.ActionValues is not null),
                         ("spec.areaCodes", spec.AreaCodes is not null), ("spec.columns.action", c?.Action is not null),
                     })
                if (given) errors.Add(field, $"is for the feed modes (changes, area-codes, full); mode {mode} writes the list directly");
            return;
        }
        if (string.IsNullOrWhiteSpace(spec.Feed))
            errors.Add("spec.feed", $"is required in mode {mode}: the name of the source the file comes from (e.g. ftc-dnc), whose numbers it adds and removes");
        else if (!IsFeedName(spec.Feed))
            errors.Add("spec.feed", $"\"{spec.Feed}\" is not a feed name: 1 to {MaxFeedLength} letters, digits, '.', '-' or '_', starting with a letter or digit");
        if (spec.MaxRemovePercent is < 0 or > 100 || double.IsNaN(spec.MaxRemovePercent))
            errors.Add("spec.maxRemovePercent", "must be between 0 and 100");
        // A registry entry has no dates and its source is the feed.
        foreach (var (field, given) in new (string, string?)[] { ("startsAt", c?.StartsAt), ("expiresAt", c?.ExpiresAt), ("source", c?.Source) })
            if (given is not null) errors.Add($"spec.columns.{field}", $"is not read in mode {mode}: a feed's entries have no dates, and their source is the feed");

        if (mode == "changes")
        {
            if (spec.Action is not null && spec.Action is not ("add" or "delete"))
                errors.Add("spec.action", $"\"{spec.Action}\" is not an action; use add or delete (every row of the file does it)");
            if (spec.Action is not null && c?.Action is not null)
                errors.Add("spec.action", "is for a file without an action column; spec.columns.action maps one");
            if (spec.ActionValues is { } v)
            {
                foreach (var (field, values) in new[] { ("add", v.Add), ("delete", v.Delete) })
                {
                    if (values is null or { Count: 0 }) errors.Add($"spec.actionValues.{field}", "give at least one value, or leave actionValues out for the usual ones");
                    else if (values.Any(x => string.IsNullOrWhiteSpace(x))) errors.Add($"spec.actionValues.{field}", "has an empty value");
                }
                if (v.Add is not null && v.Delete is not null &&
                    v.Add.Select(x => x?.Trim()).Intersect(v.Delete.Select(x => x?.Trim()), StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } both)
                    errors.Add("spec.actionValues", $"\"{both}\" is both an add and a delete value");
                if (spec.Action is not null) errors.Add("spec.actionValues", "is for an action column; spec.action sets every row's action");
            }
        }
        else
        {
            foreach (var (field, given) in new (string, bool)[]
                     { ("spec.action", spec.Action is not null), ("spec.actionValues", spec.ActionValues is not null), ("spec.columns.action", c?.Action is not null) })
                if (given) errors.Add(field, $"is for mode changes; in mode {mode} the file is the feed's complete list, so its rows are all adds");
        }

        if (mode == "area-codes")
        {
            if (c?.Email is not null || c?.ClientId is not null)
                errors.Add("spec.columns", "mode area-codes reads phone numbers only (a registry's full list per area code)");
            for (var i = 0; i < (spec.AreaCodes?.Count ?? 0); i++)
                if (!IsAreaCode(spec.AreaCodes![i]))
                    errors.Add($"spec.areaCodes[{i}]", $"\"{spec.AreaCodes[i]}\" is not a North American area code (3 digits, the first 2 to 9)");
        }
        else if (spec.AreaCodes is not null) errors.Add("spec.areaCodes", "is for mode area-codes");
    }

    public static bool IsFeedName(string s) =>
        s.Length is > 0 and <= MaxFeedLength && char.IsAsciiLetterOrDigit(s[0]) && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_');

    public static bool IsAreaCode(string? s) => s is { Length: 3 } && s[0] is >= '2' and <= '9' && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]);

    private static SuppressionImportView View(SuppressionImportJob j) => new(j.ImportId, j.State, j.Mode, j.FileName, j.FileBytes, j.RowsRead, j.Accepted,
        j.Rejected, j.Entries, j.Warnings, j.Error, j.CreatedAt, j.StartedAt, j.FinishedAt,
        $"/api/v1/suppression-lists/{j.ListId}/imports/{j.ImportId}/errors", j.Source, j.SftpConnectionId, j.RemotePath, j.Feed,
        FeedModes.Contains(j.Mode) ? new FeedCounts(j.Added, j.Removed, j.Kept, j.NotOnList) : null);


    private static ProblemHttpResult NoSuchImport(Guid importId) =>
        TypedResults.Problem(statusCode: 404, title: "No such import", detail: $"This suppression list has no import {importId}.");
}

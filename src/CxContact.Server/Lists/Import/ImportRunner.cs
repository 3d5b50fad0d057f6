using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Phones;
using CxContact.Core.Tenancy;
using nietras.SeparatedValues;
using Npgsql;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// Runs one import: stream-parse the file, map and normalise each row, binary COPY the records, then apply them
/// to the list in one transaction by mode. Nothing reaches the list before that commit, so a failed or
/// interrupted import leaves the list exactly as it was.
/// </summary>
public sealed class ImportRunner(NpgsqlDataSource db, ImportJobStore jobs, IGrainFactory grains, ILogger<ImportRunner> log)
{
    /// <summary>Rejected rows kept for the error report; all of them are counted.</summary>
    public const int MaxStoredErrors = 100_000;
    public static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private enum Path { Fresh, Direct, Merge }

    /// <summary>One for the process: its per-prefix cache is a pure function of the library's data, so every import shares it.</summary>
    private static readonly PhoneNormalizer Phones = new();

    public async Task RunAsync(ImportJob job, CancellationToken ct)
    {
        var progress = new ImportProgress();
        var warnings = new List<string>();
        var errors = new List<RowError>();
        var list = grains.GetGrain<IContactListGrain>(job.ListId, job.TenantId.ToString());
        string? failure;
        var clock = Stopwatch.StartNew();
        using var heartbeat = new CancellationTokenSource();
        var beating = BeatAsync(job.ImportId, progress, heartbeat.Token);
        try
        {
            var info = await list.GetAsync();
            failure = info is null ? "the list was deleted before the import ran" : await ImportAsync(job, info, progress, warnings, errors, ct);
        }
        catch (ImportFailedException e) { failure = e.Message; }
        catch (ImportPlanException e) { failure = $"{e.Where}: {e.Message}"; }
        catch (DecoderFallbackException)
        {
            failure = $"the file is not valid {JsonSerializer.Deserialize<ImportSpec>(job.SpecJson, SpecJson)?.Format.Encoding ?? "utf-8"} " +
                $"(after row {progress.RowsRead + 1}); set spec.format.encoding to windows-1252 or iso-8859-1 if that is what it is";
        }
        catch (FileNotFoundException) { failure = "the uploaded file is no longer in the landing directory"; }
        finally
        {
            await heartbeat.CancelAsync();
            await beating;
        }

        await StoreErrorsAsync(job, errors, CancellationToken.None);
        var finished = await jobs.FinishAsync(job.ImportId, progress, failure, warnings, CancellationToken.None);
        var counts = failure is null ? await new ContactListStore(db).CountAsync(job.ListId, CancellationToken.None) : null;
        var current = (await list.GetAsync())?.Counts;
        await list.ImportFinishedAsync(finished.ToSummary(), counts ?? current ?? ListCounts.Empty);
        TryDelete(job.FilePath);
        log.LogInformation("Import {ImportId} of list {ListId} {State} in {Seconds:0.0}s: {Read} read, {Accepted} accepted, {Rejected} rejected, {Excluded} excluded, {Merged} merged{Error}",
            job.ImportId, job.ListId, finished.State, clock.Elapsed.TotalSeconds, progress.RowsRead, progress.Accepted, progress.Rejected,
            progress.Excluded, progress.Merged, failure is null ? "" : "; " + failure);
    }

    /// <summary>Fails a job that was started too often (its silo kept dying), and tells the list.</summary>
    public async Task AbandonAsync(ImportJob job, CancellationToken ct)
    {
        var reason = $"the import was interrupted {job.Attempts - 1} times (the silo running it stopped); it was not retried again";
        var finished = await jobs.GiveUpAsync(job, reason, ct);
        var list = grains.GetGrain<IContactListGrain>(job.ListId, job.TenantId.ToString());
        await list.ImportFinishedAsync(finished.ToSummary(), (await list.GetAsync())?.Counts ?? ListCounts.Empty);
        TryDelete(job.FilePath);
        log.LogWarning("Import {ImportId} abandoned: {Reason}", job.ImportId, reason);
    }

    /// <summary>Returns null on success, or why the import failed (the list is then untouched).</summary>
    private async Task<string?> ImportAsync(ImportJob job, ContactListInfo list, ImportProgress p, List<string> warnings, List<RowError> errors, CancellationToken ct)
    {
        var spec = JsonSerializer.Deserialize<ImportSpec>(job.SpecJson, SpecJson) ?? new ImportSpec();
        var tenant = await grains.GetGrain<ITenantGrain>(job.TenantId).GetSettingsAsync();
        var country = spec.DefaultCountry ?? list.DefaultCountry ?? tenant.DefaultCountry;
        var zone = spec.DefaultTimeZone ?? list.DefaultTimeZone ?? tenant.DefaultTimeZone;
        var mode = Enum.Parse<ImportMode>(job.Mode, ignoreCase: true);

        var partition = ContactListStore.PartitionName(job.ListId);
        var fresh = "cr_" + job.ImportId.ToString("N");
        var staging = "ist_" + job.ImportId.ToString("N");
        await using var conn = await db.OpenConnectionAsync(ct);
        // An earlier attempt of this job may have died halfway: its tables are leftovers, never part of the list.
        await ContactListStore.Exec(conn, null, $"DROP TABLE IF EXISTS {fresh}; DROP TABLE IF EXISTS {staging}", ct);

        var listIsEmpty = !await Scalar<bool>(conn, null, $"SELECT EXISTS (SELECT 1 FROM {partition})", ct);
        var key = mode == ImportMode.Update ? KeyExpression(spec.UpdateKey ?? StandardFields.ClientId) : DedupeExpression(spec.DedupeBy);
        var path = mode == ImportMode.Replace || listIsEmpty ? Path.Fresh : key is null ? Path.Direct : Path.Merge;

        NpgsqlTransaction? tx = null;
        var sawRows = false;
        string target;
        switch (path)
        {
            case Path.Fresh:
                await ContactListStore.CreatePartitionAsync(conn, null, fresh, job.ListId, attach: false, ct);
                target = fresh;
                break;
            case Path.Merge:
                await ContactListStore.Exec(conn, null, $"CREATE UNLOGGED TABLE {staging} (LIKE contact_records INCLUDING DEFAULTS)", ct);
                target = staging;
                break;
            default:
                tx = await conn.BeginTransactionAsync(ct);
                target = partition;
                break;
        }

        try
        {
            await using (var copy = await ContactRecordCopy.BeginAsync(conn, target, job.TenantId, job.ListId, job.ImportId, ct))
            {
                sawRows = ReadFile(job, spec, country, zone, copy, p, warnings, errors, ct);
                p.Phase = "writing";
                await copy.CompleteAsync(ct);
            }

            if (p.RowsRead == 0) return sawRows && spec.Format.HasHeader ? "the file has a header but no data rows" : "the file is empty";
            if (p.Rejected * 100.0 > spec.RejectThresholdPercent * p.RowsRead)
                return $"{p.Rejected} of {p.RowsRead} rows ({p.Rejected * 100.0 / p.RowsRead:0.#} %) were rejected, more than the " +
                       $"{spec.RejectThresholdPercent:0.#} % allowed (spec.rejectThresholdPercent); the list was left as it was. " +
                       "The errors report says why each row was rejected.";

            p.Phase = "applying";
            switch (path)
            {
                case Path.Fresh:
                    if (key is not null) p.Merged += await DedupeAsync(conn, null, fresh, key, ct);
                    await ContactListStore.IndexPartitionAsync(conn, null, fresh, ct);
                    await SwapAsync(conn, job.ListId, partition, fresh, ct);
                    break;
                case Path.Merge:
                    await MergeAsync(conn, partition, staging, key!, p, ct);
                    break;
                default:
                    await tx!.CommitAsync(ct);
                    tx = null;
                    break;
            }
            return null;
        }
        finally
        {
            if (tx is not null) await tx.RollbackAsync(CancellationToken.None);
            await ContactListStore.Exec(conn, null, $"DROP TABLE IF EXISTS {fresh}; DROP TABLE IF EXISTS {staging}", CancellationToken.None);
        }
    }

    /// <summary>Streams the file into the COPY; returns whether it had any non-blank row at all.</summary>
    private static bool ReadFile(ImportJob job, ImportSpec spec, string country, string zone, ContactRecordCopy copy,
        ImportProgress p, List<string> warnings, List<RowError> errors, CancellationToken ct)
    {
        var format = spec.Format;
        using var counting = new CountingStream(File.OpenRead(job.FilePath));
        TextReader text = new StreamReader(counting, Encoding(format.Encoding), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var quote = format.QuoteChar;
        if (quote != '"') text = new QuoteSwappingReader(text, quote);
        using var reader = Sep.New(format.DelimiterChar).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false }).From(text);

        ImportPlan? plan = null;
        RecordBuilder? builder = null;
        string?[] cells = [];
        var rowErrors = new List<RowError>(4);

        foreach (var row in reader)
        {
            ct.ThrowIfCancellationRequested();
            p.BytesRead = counting.BytesRead;
            var rowNumber = row.RowIndex + 1;
            if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty) continue; // blank line

            if (plan is null)
            {
                List<string>? header = null;
                if (format.HasHeader)
                {
                    header = new List<string>(row.ColCount);
                    for (var i = 0; i < row.ColCount; i++)
                    {
                        header.Add(Unquote(row[i].Span, quote, out var open) ?? "");
                        if (open)
                            throw new ImportFailedException($"column {i + 1} of the header row opens a quote that is never closed, so the rest of the " +
                                "file cannot be read as rows; a quote inside a value must be written twice (\"\") and the value quoted");
                    }
                }
                if (row.ColCount == 1) GuardDelimiter(row[0].Span, format.DelimiterChar);
                plan = ImportPlan.Build(spec, header, row.ColCount);
                warnings.AddRange(plan.Warnings);
                builder = new RecordBuilder(plan, spec, country, zone, Phones);
                cells = new string?[plan.ExpectedColumns];
                if (format.HasHeader) continue;
            }

            p.RowsRead++;
            rowErrors.Clear();
            for (var i = 0; i < row.ColCount && i < cells.Length; i++)
            {
                if (Unquote(row[i].Span, quote, out var unterminated) is var v && unterminated)
                {
                    rowErrors.Add(new RowError(rowNumber, plan.Targets.FirstOrDefault(t => t.Index == i)?.Header ?? $"column {i + 1}",
                        "has a quote that is never closed; everything after it up to the end of the file was read as this one value"));
                    break;
                }
                cells[i] = v;
            }
            if (rowErrors.Count > 0) { foreach (var e in rowErrors) Reject(e); continue; }
            if (row.ColCount != plan.ExpectedColumns)
            {
                Reject(new RowError(rowNumber, "(row)", $"has {row.ColCount} columns; the {(format.HasHeader ? "header has" : "first row has")} {plan.ExpectedColumns}"));
                continue;
            }

            var record = builder!.Build(rowNumber, cells, rowErrors);
            if (record is null) { p.Rejected++; Keep(rowErrors); continue; }
            if (spec.Selection is not null && !SelectionRules.Matches(spec.Selection, record)) { p.Excluded++; continue; }
            copy.Write(record);
            p.Accepted++;
        }
        p.BytesRead = counting.BytesRead;
        return plan is not null;

        void Reject(RowError e) { p.Rejected++; Keep([e]); }
        void Keep(IEnumerable<RowError> es) { foreach (var e in es) if (errors.Count < MaxStoredErrors) errors.Add(e); }
    }

    /// <summary>One column and the header holding another delimiter is almost always the wrong delimiter.</summary>
    private static void GuardDelimiter(ReadOnlySpan<char> only, char delimiter)
    {
        foreach (var d in ",;\t|")
            if (d != delimiter && only.Contains(d))
                throw new ImportFailedException($"the first row is a single column that contains '{(d == '\t' ? "\\t" : d.ToString())}'; " +
                    $"the spec's delimiter is '{(delimiter == '\t' ? "\\t" : delimiter.ToString())}'. Is spec.format.delimiter right?");
    }

    /// <summary>
    /// RFC 4180 unquoting. A value that opens a quote and never closes it is reported, not guessed at: the parser
    /// toggles quoting at every quote, so an odd count means the rest of the file was swallowed into this value.
    /// </summary>
    private static string? Unquote(ReadOnlySpan<char> raw, char quote, out bool unterminated)
    {
        unterminated = raw.Count('"') % 2 == 1;
        if (raw.IsEmpty || unterminated) return null;
        if (raw[0] != '"') return Restore(raw.ToString(), quote);
        if (raw[^1] != '"') return Restore(raw.ToString(), quote); // "a"b: not RFC 4180; keep it as written
        var inner = raw[1..^1];
        var s = inner.Contains('"') ? inner.ToString().Replace("\"\"", "\"") : inner.ToString();
        return Restore(s, quote);
    }

    private static string Restore(string s, char quote)
    {
        if (quote == '"' || (s.IndexOf('"') < 0 && s.IndexOf(quote) < 0)) return s;
        var chars = s.ToCharArray();
        QuoteSwappingReader.Swap(chars, quote);
        return new string(chars);
    }

    private static Encoding Encoding(string name) => name.ToLowerInvariant() switch
    {
        "iso-8859-1" => System.Text.Encoding.Latin1,
        "windows-1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
        // Invalid bytes must fail loudly: silently turning them into U+FFFD would corrupt names.
        _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
    };

    private static string? DedupeExpression(DedupeBy by) => by switch
    {
        DedupeBy.ClientId => "client_id",
        DedupeBy.Phone => "phones[1]",
        _ => null,
    };

    /// <summary>The SQL for a key field: a column for standard fields, custom->>'name' (a bound literal) otherwise.</summary>
    private static string KeyExpression(string field) => StandardFields.Text.Contains(field)
        ? field
        : $"(custom->>'{field.Replace("'", "''")}')";

    /// <summary>Keeps the last row of each key within one table; returns how many rows were merged away.</summary>
    private static async Task<long> DedupeAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string table, string key, CancellationToken ct) =>
        await Execute(conn, tx, $"""
            DELETE FROM {table} t USING (
                SELECT ctid, row_number() OVER (PARTITION BY {key} ORDER BY source_row DESC) AS n FROM {table} WHERE {key} IS NOT NULL
            ) d WHERE t.ctid = d.ctid AND d.n > 1
            """, ct);

    /// <summary>The replace: the list's partition is swapped for the new table in one transaction.</summary>
    private static async Task SwapAsync(NpgsqlConnection conn, Guid listId, string partition, string fresh, CancellationToken ct)
    {
        // A matching CHECK lets ATTACH skip scanning the new table to prove every row belongs to the list.
        await ContactListStore.Exec(conn, null, $"ALTER TABLE {fresh} ADD CONSTRAINT {fresh}_list CHECK (list_id = '{listId}')", ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ContactListStore.Exec(conn, tx, $"ALTER TABLE contact_records DETACH PARTITION {partition}", ct);
        await ContactListStore.Exec(conn, tx, $"DROP TABLE {partition}", ct);
        await ContactListStore.Exec(conn, tx, $"ALTER TABLE {fresh} RENAME TO {partition}", ct);
        await ContactListStore.Exec(conn, tx, $"ALTER TABLE contact_records ATTACH PARTITION {partition} FOR VALUES IN ('{listId}')", ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Update by key, or append with dedupe: matching records are updated (keeping attempts), the rest added.</summary>
    private static async Task MergeAsync(NpgsqlConnection conn, string partition, string staging, string key, ImportProgress p, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        p.Merged += await DedupeAsync(conn, tx, staging, key, ct);
        await ContactListStore.Exec(conn, tx, $"ANALYZE {staging}", ct);
        p.Merged += await Execute(conn, tx, $"""
            UPDATE {partition} r SET client_id = s.client_id, first_name = s.first_name, last_name = s.last_name, company = s.company,
                postal_code = s.postal_code, region = s.region, country = s.country, tz = s.tz, emails = s.emails, phones = s.phones,
                phone_slots = s.phone_slots, phone_types = s.phone_types, phone_zones = s.phone_zones, custom = s.custom,
                source_row = s.source_row, imported_at = s.imported_at, import_id = s.import_id
            FROM {staging} s WHERE r.{Qualify(key)} = s.{Qualify(key)}
            """, ct);
        await Execute(conn, tx, $"""
            INSERT INTO {partition} SELECT s.* FROM {staging} s
            WHERE s.{Qualify(key)} IS NULL OR NOT EXISTS (SELECT 1 FROM {partition} r WHERE r.{Qualify(key)} = s.{Qualify(key)})
            """, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>"(custom->>'x')" and "phones[1]" are expressions; they read the same after a table alias and a dot.</summary>
    private static string Qualify(string key) => key.StartsWith('(') ? key[1..^1] : key;

    private async Task StoreErrorsAsync(ImportJob job, List<RowError> errors, CancellationToken ct)
    {
        if (errors.Count == 0) return;
        await using var conn = await db.OpenConnectionAsync(ct);
        await ContactListStore.Exec(conn, null, "DELETE FROM list_import_errors WHERE import_id = @i", ct, ("i", job.ImportId));
        await using var copy = await conn.BeginBinaryImportAsync("COPY list_import_errors (tenant_id, import_id, row_no, column_name, reason) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in errors)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(job.TenantId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(job.ImportId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(e.Row, NpgsqlTypes.NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(e.Column, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(e.Reason, NpgsqlTypes.NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private async Task BeatAsync(Guid importId, ImportProgress p, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(ct)) await jobs.HeartbeatAsync(importId, p, ct);
        }
        catch (OperationCanceledException) { /* the import finished */ }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { /* the landing directory is cleaned up by retention */ }
    }

    private static async Task<long> Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

using CxContact.Server.Platform.Hosting;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CxContact.Core.Suppression;
using CxContact.Core.Tenancy;
using CxContact.Server.Jobs;
using CxContact.Server.Jobs.Files;
using CxContact.Server.Platform.Storage;
using nietras.SeparatedValues;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Suppression;

/// <summary>
/// Runs one suppression import. Rows are checked first, so a file over the reject threshold leaves the list exactly
/// as it was: plain NANP numbers (no dates, no source; nearly all of a registry) are collected in memory as
/// <see cref="NanpNumbers"/>, every other entry is copied into a staging table. Then one transaction appends
/// (upsert) or replaces the list's entries while the index learns them, and commits once the index holds them all.
/// Into an empty list, or on replace, the numbers go in sorted by COPY with no upsert: a registry of 10 M loads in
/// a fraction of the upsert's time.
/// </summary>
public sealed class SuppressionImportRunner(NpgsqlDataSource db, SuppressionImportStore jobs, IGrainFactory grains, SuppressionIndex index,
    SuppressionRebuilder rebuilder, SuppressionListStore store, SuppressionValueNormalizer normalizer, PlatformClock clock,
    Sftp.SftpFetcher sftp, LandingQuota quota, SuppressionFeedWriter feeds, ILogger<SuppressionImportRunner> log)
    : ImportRunnerBase<SuppressionImportJob, SuppressionImportRun>(jobs, sftp, quota, log)
{
    /// <summary>Rejected rows kept for the error report; the count goes on beyond it.</summary>
    public const int MaxStoredErrors = 100_000;
    private const int IndexBatch = 10_000;

    protected override SuppressionImportRun Start(SuppressionImportJob job) => new();

    protected override long RowsRead(SuppressionImportRun run) => run.Progress.RowsRead;

    protected override string EncodingOf(SuppressionImportJob job) => Spec(job).Format.Encoding;

    protected override string? FailureOf(Exception e, SuppressionImportJob job)
    {
        if (e is InvalidDataException damaged) return $"the compressed file is damaged ({damaged.Message}); nothing was imported";
        // A constraint the entries break fails the same way every time: say so rather than retry it as if the silo had died.
        if (e is not PostgresException p || !p.SqlState.StartsWith("23", StringComparison.Ordinal)) return null;
        log.LogError(p, "Suppression import {ImportId} was refused by the database", job.ImportId);
        return $"the list refused the entries ({p.MessageText}); nothing was saved";
    }

    protected override Task HeartbeatAsync(SuppressionImportJob job, SuppressionImportRun run, CancellationToken ct) =>
        jobs.HeartbeatAsync(job.TenantId, job.ImportId, run.Progress, ct);

    protected override async Task<string?> ImportAsync(SuppressionImportJob job, SuppressionImportRun run, CancellationToken ct)
    {
        var grain = grains.GetGrain<ISuppressionListGrain>(job.ListId, job.TenantId.ToString());
        if (await grain.GetAsync() is null) return "the list was deleted before the import ran";
        if (await PullAsync(job, ct) is { } pullFailure) return pullFailure;
        return await ReadAndWriteAsync(job, grain, run.Progress, run.Warnings, run.Errors, ct);
    }

    protected override async Task FinishAsync(SuppressionImportJob job, SuppressionImportRun run, string? failure, TimeSpan elapsed, CancellationToken ct)
    {
        var p = run.Progress;
        await jobs.FinishAsync(job, p, failure, run.Warnings, run.Errors, ct);
        // Taking numbers off a do-not-call list is what an auditor asks about: the queueing key is in the
        // suppression.import-queued entry, the rows it changed are here.
        if (failure is null && SuppressionImportsApi.RemovingModes.Contains(job.Mode))
            await Platform.Audit.AuditTrail.RecordAsync(db, job.TenantId, null, "suppression.import-applied", job.ListId.ToString(),
                new { job.ImportId, job.Mode, job.Feed, p.Added, p.Removed, p.Kept, p.Entries, p.Rejected }, ct);
        log.LogInformation("Suppression import {ImportId} of list {ListId} ({Mode}) {State} in {Seconds:0.0}s: {Read} rows read, {Accepted} accepted, {Rejected} rejected, {Entries} entries{Error}",
            job.ImportId, job.ListId, job.Mode, failure is null ? "succeeded" : "failed", elapsed.TotalSeconds, p.RowsRead, p.Accepted, p.Rejected, p.Entries,
            failure is null ? "" : "; " + failure);
    }

    protected override Task GiveUpAsync(SuppressionImportJob job, string reason, CancellationToken ct) =>
        jobs.FinishAsync(job, new SuppressionImportProgress(), reason, job.Warnings, [], ct);

    private static SuppressionImportSpec Spec(SuppressionImportJob job) =>
        JsonSerializer.Deserialize<SuppressionImportSpec>(job.SpecJson, ImportSpecJson.Options) ?? new SuppressionImportSpec();

    /// <summary>Returns null on success, or why the import failed (the list is then untouched).</summary>
    private async Task<string?> ReadAndWriteAsync(SuppressionImportJob job, ISuppressionListGrain grain, SuppressionImportProgress p, List<string> warnings,
        List<(int, string, string)> errors, CancellationToken ct)
    {
        var spec = Spec(job);
        var country = (await grains.GetGrain<ITenantGrain>(job.TenantId).GetSettingsAsync()).DefaultCountry;
        await using var conn = await db.OpenConnectionAsync(ct);
        // Not a TEMP table: the index writer reads it on a connection of its own while this one writes the list.
        // Unlogged, and dropped at the end (an earlier attempt that died may have left it).
        var stage = "sst_" + job.ImportId.ToString("N");
        await SqlCommands.ExecAsync(conn, null, $"DROP TABLE IF EXISTS {stage}; CREATE UNLOGGED TABLE {stage} " +
            "(row_no integer, type text, value text, starts_at timestamptz, expires_at timestamptz, source text, action text)", ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var locked = false;
        try
        {
            var plain = new NanpNumbers();
            var notPlain = new HashSet<long>();
            var areaCodes = new SortedSet<string>(StringComparer.Ordinal);
            Stage(conn, stage, job.FilePath, spec, job.Mode, country, p, warnings, errors, plain, notPlain, areaCodes, ct);
            // A number that also has a dated row is the staged rows' business (the file's last row for it wins there).
            plain.Seal(notPlain);
            var staged = clock.Elapsed;
            var feed = SuppressionImportsApi.FeedModes.Contains(job.Mode);
            // An area code's full list may be empty (its last number left the registry) when spec.areaCodes names it.
            if (p.RowsRead == 0 && !(job.Mode == "area-codes" && spec.AreaCodes is { Count: > 0 })) return "the file has no data rows; nothing was imported";
            var percent = p.RowsRead == 0 ? 0 : 100.0 * p.Rejected / p.RowsRead;
            if (percent > spec.RejectThresholdPercent)
                return $"{p.Rejected} of {p.RowsRead} rows ({percent.ToString("0.#", CultureInfo.InvariantCulture)} %) were rejected, more than " +
                    $"spec.rejectThresholdPercent ({spec.RejectThresholdPercent.ToString(CultureInfo.InvariantCulture)} %); the list was not changed. " +
                    "GET .../errors lists the rejected rows";

            // One import of a list at a time: a feed's deletions decide on who else holds a number, and a direct
            // import's dates on whether a feed does, so neither may change under the other. Single adds go on.
            await SqlCommands.ExecAsync(conn, null, $"SELECT pg_advisory_lock({ImportLockKey(job.ListId)})", ct);
            locked = true;
            var rebuildBefore = await RebuildStateAsync(job);
            long delta;
            if (feed)
            {
                if (spec.AreaCodes is { } named) areaCodes.UnionWith(named);
                var outcome = await feeds.WriteAsync(conn, stage, job, spec, areaCodes, p, warnings, ct);
                if (outcome.Failure is not null) return outcome.Failure;
                delta = outcome.Delta;
            }
            else
            {
                // The index and the list are written at the same time, and the list's transaction commits only once the
                // index holds every entry: if the process dies in between, the index holds entries the list does not yet
                // (it over-suppresses until the job runs again), never the other way round.
                var indexing = AddToIndexAsync(stage, job, plain, ct);
                (delta, var failure) = await WriteAsync(conn, stage, job, p, plain, async () => await indexing, ct);
                if (failure is not null) return failure;
            }
            var written = clock.Elapsed;
            await grain.EntriesChangedAsync(delta);
            // A rebuild that began after the index writes above and before the commit read a snapshot without these
            // entries, and its index would lack them; one more rebuild, begun now, reads them.
            if (job.Mode == "replace" || await RebuildStateAsync(job) != rebuildBefore) await RebuildAsync(job, warnings, ct);
            // Where an import's time goes, for the operator and the benchmark: read and staged, index and list (together), rebuilt.
            log.LogInformation("Suppression import {ImportId}: staged {Staged:0.00}s, index and list written {Written:0.00}s, rebuilt {Rebuilt:0.00}s",
                job.ImportId, staged.TotalSeconds, (written - staged).TotalSeconds, (clock.Elapsed - written).TotalSeconds);
            return null;
        }
        finally
        {
            // A connection PostgreSQL ended (a restart) cannot drop it, and failing here would hide why; the next attempt does.
            // (Its session, and so its lock, ended with it.)
            if (conn.State == System.Data.ConnectionState.Open)
                await SqlCommands.ExecAsync(conn, null, (locked ? $"SELECT pg_advisory_unlock({ImportLockKey(job.ListId)}); " : "") + $"DROP TABLE IF EXISTS {stage}",
                    CancellationToken.None);
        }
    }

    /// <summary>The advisory lock one list's imports take in turn (SQL; derived from the id only).</summary>
    private static string ImportLockKey(Guid listId) => $"hashtextextended('suppression-import:{listId:N}', 0)";

    /// <summary>
    /// Reads the file (each file of a zip in turn) and checks every row. Plain NANP numbers go to <paramref name="plain"/>;
    /// every other entry into the staging table, and so does every later row of a NANP number once it has had a dated
    /// row (<paramref name="notPlain"/>, which the caller takes out of <paramref name="plain"/>). A feed import stages
    /// every row, with its action ('a' add, 'd' delete), and collects the area codes of its rows in <paramref name="areaCodes"/>.
    /// </summary>
    private void Stage(NpgsqlConnection conn, string stage, string path, SuppressionImportSpec spec, string mode, string country, SuppressionImportProgress p,
        List<string> warnings, List<(int, string, string)> errors, NanpNumbers plain, HashSet<long> notPlain, SortedSet<string> areaCodes, CancellationToken ct)
    {
        var format = spec.Format;
        var quote = format.QuoteChar;
        var feed = SuppressionImportsApi.FeedModes.Contains(mode);
        var actions = FeedActions.From(spec);
        using var archive = new ImportArchive(path);
        using var copy = conn.BeginBinaryImport($"COPY {stage} (row_no, type, value, starts_at, expires_at, source, action) FROM STDIN (FORMAT BINARY)");
        SuppressionImportLayout? layout = null;
        List<string>? firstHeader = null;
        var values = new List<(string Type, string Value)>(3);
        var rowBase = 0; // rows of the archive's earlier files: rows are numbered across the whole archive
        var read = new List<string>();
        foreach (var (name, stream) in archive.Parts())
        {
            using var part = stream;
            TextReader text = new LineLengthGuard(new StreamReader(part, ImportEncoding.For(format.Encoding), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
            if (quote != '"') text = new QuoteSwappingReader(text, quote);
            using var reader = Sep.New(format.DelimiterChar).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false }).From(text);
            var headerDone = !format.HasHeader;
            var lastRow = 0;
            foreach (var row in reader)
            {
                ct.ThrowIfCancellationRequested();
                var rowNumber = rowBase + row.RowIndex + 1;
                lastRow = row.RowIndex + 1;
                if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty) continue; // blank line
                var cells = new string?[row.ColCount];
                var open = -1;
                for (var i = 0; i < row.ColCount; i++)
                {
                    cells[i] = CsvValue.Unquote(row[i].Span, quote, out var unterminated);
                    if (unterminated && open < 0) open = i;
                }
                if (!headerDone || layout is null)
                {
                    if (format.HasHeader && open >= 0)
                        throw new ImportFailedException($"column {open + 1} of the header row{Of(name)} opens a quote that is never closed; a quote inside a value " +
                            "must be written twice (\"\") and the value quoted");
                    var header = format.HasHeader ? cells.Select(c => c ?? "").ToList() : null;
                    if (layout is null)
                    {
                        layout = SuppressionImportLayout.Build(spec, header, row.ColCount, changes: mode == "changes");
                        warnings.AddRange(layout.Warnings);
                        firstHeader = header;
                        if (mode == "changes" && layout.Action < 0 && actions.Fixed is null)
                            throw new ImportFailedException("a change list needs each row's action: name a column action (or map spec.columns.action), " +
                                "or set spec.action to add or delete when every row of the file does the same");
                    }
                    else if (header is not null && !header.SequenceEqual(firstHeader!, StringComparer.OrdinalIgnoreCase))
                        throw new ImportFailedException($"the header row{Of(name)} ({string.Join(", ", header)}) is not the first file's ({string.Join(", ", firstHeader!)}); " +
                            "every file of an archive must have the same columns");
                    headerDone = true;
                    if (format.HasHeader) continue;
                }

                p.RowsRead++;
                var rejected = false;
                void Reject(string column, string reason)
                {
                    rejected = true;
                    if (errors.Count < MaxStoredErrors) errors.Add((rowNumber, column, reason));
                }
                if (open >= 0)
                {
                    Reject(layout.Name(open), "has a quote that is never closed; everything after it up to the end of the file was read as this one value");
                    p.Rejected++;
                    continue;
                }
                string? Cell(int i) => i >= 0 && i < cells.Length && cells[i]?.Trim() is { Length: > 0 } v ? v : null;

                var action = 'a';
                if (mode == "changes")
                {
                    if (actions.Fixed is { } f) action = f;
                    else if (Cell(layout.Action) is not { } said) Reject(layout.Name(layout.Action), "is empty; each row of a change list says add or delete");
                    else if (actions.Read(said) is { } a) action = a;
                    else Reject(layout.Name(layout.Action), $"\"{said}\" is not an action; {actions.Describe()}");
                }

                values.Clear();
                foreach (var (type, col) in new[] { (SuppressionEntryType.Phone, layout.Phone), (SuppressionEntryType.Email, layout.Email), (SuppressionEntryType.ClientId, layout.ClientId) })
                {
                    if (Cell(col) is not { } raw) continue;
                    if (type == SuppressionEntryType.Phone && layout.AreaCode >= 0)
                    {
                        // NPA in one column, the 7 digits in the other (the Canadian list's "416,1234567").
                        var npa = Cell(layout.AreaCode);
                        if (!SuppressionImportsApi.IsAreaCode(npa)) { Reject(layout.Name(layout.AreaCode), $"\"{npa}\" is not an area code (3 digits, the first 2 to 9)"); continue; }
                        if (raw.Length != 7 || !raw.All(char.IsAsciiDigit)) { Reject(layout.Name(col), $"\"{raw}\" is not the 7 digits after an area code"); continue; }
                        raw = "+1" + npa + raw;
                    }
                    if (normalizer.Normalize(type, raw, country, out var error) is { } value) values.Add((type, value));
                    else Reject(layout.Name(col), error!);
                }
                if (values.Count == 0 && !rejected) Reject("(row)", "has no phone, email or client id");
                if (mode == "area-codes")
                    foreach (var (type, value) in values)
                        if (type == SuppressionEntryType.Phone && !SuppressionIndex.IsNanp(value))
                            Reject(layout.Name(layout.Phone), $"{value} is not a North American number; mode area-codes applies full lists per NANP area code (mode full takes others)");
                DateTimeOffset? Date(int col)
                {
                    if (Cell(col) is not { } raw) return null;
                    if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) return d.ToUniversalTime();
                    Reject(layout.Name(col), $"\"{raw}\" is not a date; write it as ISO 8601 (2025-01-31 or 2025-01-31T09:00:00Z)");
                    return null;
                }
                // A feed's entries have no dates and the feed is their source (the spec cannot map those columns; a header can name them).
                var starts = feed ? null : Date(layout.StartsAt);
                var expires = feed ? null : Date(layout.ExpiresAt);
                if (starts is { } s && expires is { } x && x <= s) Reject(layout.Name(layout.ExpiresAt), "must be after starts_at");
                var source = feed ? spec.Feed : Cell(layout.Source);
                if (source is { Length: > SuppressionEntriesApi.MaxSourceLength })
                    Reject(layout.Name(layout.Source), $"is {source.Length} characters long; at most {SuppressionEntriesApi.MaxSourceLength} are allowed");
                if (rejected) { p.Rejected++; continue; }

                p.Accepted++;
                foreach (var (type, value) in values)
                {
                    if (feed)
                    {
                        if (mode == "area-codes") areaCodes.Add(value.Substring(2, 3));
                    }
                    else if (type == SuppressionEntryType.Phone && SuppressionIndex.IsNanp(value))
                    {
                        var national = NanpNumbers.National(value);
                        if (starts is null && expires is null && source is null && !notPlain.Contains(national)) { plain.Add(value); continue; }
                        notPlain.Add(national);
                    }
                    copy.StartRow();
                    copy.Write(rowNumber, NpgsqlDbType.Integer);
                    copy.Write(type, NpgsqlDbType.Text);
                    copy.Write(value, NpgsqlDbType.Text);
                    if (starts is { } st) copy.Write(st, NpgsqlDbType.TimestampTz); else copy.WriteNull();
                    if (expires is { } ex) copy.Write(ex, NpgsqlDbType.TimestampTz); else copy.WriteNull();
                    if (source is not null) copy.Write(source, NpgsqlDbType.Text); else copy.WriteNull();
                    if (feed) copy.Write(action.ToString(), NpgsqlDbType.Text); else copy.WriteNull();
                }
            }
            if (name is not null) read.Add($"{name} (rows {rowBase + 1}-{rowBase + lastRow})");
            rowBase += lastRow;
        }
        copy.Complete();
        if (archive.IsZip) warnings.Add($"the zip archive's {read.Count} files were read in this order, rows numbered across them: {string.Join(", ", read)}");

        static string Of(string? name) => name is null ? "" : $" of {name}";
    }

    // A value given on several rows is one entry; the last row wins, as it would over several single adds.
    /// <summary>The staged entries, one per (type, value): the last row of the file wins.</summary>
    private static string Distinct(string stage) =>
        $"SELECT DISTINCT ON (type, value) type, value, starts_at, expires_at, source FROM {stage} ORDER BY type, value, row_no DESC";

    /// <summary>
    /// Writes the entries to the list in one transaction, committed only if <paramref name="beforeCommit"/> (the
    /// index write) succeeds; returns the change in the list's entry count, or why nothing was saved.
    /// </summary>
    private async Task<(long Delta, string? Failure)> WriteAsync(NpgsqlConnection conn, string stage, SuppressionImportJob job, SuppressionImportProgress p,
        NanpNumbers plain, Func<Task<string?>> beforeCommit, CancellationToken ct)
    {
        var partition = SuppressionListStore.PartitionName(job.ListId);
        await using var tx = await conn.BeginTransactionAsync(ct);
        string? failure = null;
        long deleted = 0, inserted = 0, total = 0;
        try
        {
            var bulk = true;
            if (job.Mode == "replace")
            {
                // TRUNCATE, not DELETE: the partition is then empty for the COPY below (no dead index entries to step
                // over), and readers and single adds of this list wait for the commit instead of seeing it half replaced.
                await SqlCommands.ExecAsync(conn, tx, $"LOCK TABLE {partition} IN ACCESS EXCLUSIVE MODE", ct); // so the count is what TRUNCATE removes
                deleted = await SqlCommands.ScalarAsync<long>(conn, tx, $"SELECT count(*) FROM {partition}", ct);
                await SqlCommands.ExecAsync(conn, tx, $"TRUNCATE {partition}", ct);
            }
            else bulk = await SqlCommands.ScalarAsync<long>(conn, tx, $"SELECT count(*) FROM (SELECT 1 FROM {partition} LIMIT 1) x", ct) == 0;
            if (bulk)
            {
                // Nothing to collide with, and no repeats (NanpNumbers holds each number once, DISTINCT ON the rest):
                // plain inserts, the numbers in key order so each goes to the index's right-hand edge. Nothing is locked,
                // so single adds go on meanwhile; if one adds a number the file has too, the write starts again as an upsert.
                await tx.SaveAsync("bulk", ct);
                try
                {
                    var copied = CopyPlain(conn, partition, intoPartition: true, job, plain);
                    var rest = await SqlCommands.ExecAsync(conn, tx, $"""
                        INSERT INTO {partition} (tenant_id, list_id, type, value, starts_at, expires_at, source)
                        SELECT '{job.TenantId}', '{job.ListId}', s.type, s.value, s.starts_at, s.expires_at, s.source FROM ({Distinct(stage)}) s
                        """, ct);
                    inserted = total = copied + rest;
                    await tx.ReleaseAsync("bulk", ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && job.Mode != "replace")
                {
                    log.LogInformation("Suppression import {ImportId}: an entry was added to list {ListId} meanwhile; upserting instead", job.ImportId, job.ListId);
                    await tx.RollbackAsync("bulk", ct);
                    bulk = false;
                }
            }
            if (!bulk)
            {
                // Appending to a list that has entries: the plain numbers join the staged ones and everything is upserted.
                CopyPlain(conn, stage, intoPartition: false, job, plain);
                // Into the partition itself: xmax (new row or updated one) cannot be read through the partitioned parent.
                await using var cmd = new NpgsqlCommand($"""
                    WITH ins AS (
                        INSERT INTO {partition} AS p (tenant_id, list_id, type, value, starts_at, expires_at, source)
                        SELECT @t, @l, s.type, s.value, s.starts_at, s.expires_at, s.source FROM ({Distinct(stage)}) s
                        ON CONFLICT (list_id, type, value) DO UPDATE
                            SET starts_at = {SuppressionListStore.DirectDate("starts_at")}, expires_at = {SuppressionListStore.DirectDate("expires_at")},
                                source = excluded.source, direct = NULL
                        RETURNING (xmax = 0) AS fresh)
                    SELECT count(*) FILTER (WHERE fresh), count(*) FROM ins
                    """, conn, tx) { CommandTimeout = 0 };
                cmd.Parameters.AddWithValue("t", job.TenantId);
                cmd.Parameters.AddWithValue("l", job.ListId);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                (inserted, total) = (r.GetInt64(0), r.GetInt64(1));
            }
        }
        finally
        {
            // The index write is never left running behind a failed write.
            if (await beforeCommit() is { } indexFailure) failure = indexFailure;
        }
        if (failure is not null) return (0, failure); // the transaction rolls back as it is disposed
        await tx.CommitAsync(ct);
        // Fresh statistics for what reads the list set-based next (a campaign preload's anti-join).
        if (total > 10_000) await SqlCommands.ExecAsync(conn, null, $"ANALYZE {partition}", ct);
        p.Entries = total;
        p.Added = inserted;
        p.Removed = deleted;
        return (inserted - deleted, null);
    }

    /// <summary>
    /// COPYs the plain numbers, sorted, into <paramref name="table"/>: the partition (tenant, list, type, value) or
    /// the staging table (row, type, value; their row does not matter, no staged row shares their number).
    /// </summary>
    private static long CopyPlain(NpgsqlConnection conn, string table, bool intoPartition, SuppressionImportJob job, NanpNumbers plain)
    {
        if (plain.Count == 0) return 0;
        // Synchronous, like the staging COPY: ten million awaited writes would cost more than they free.
        var columns = intoPartition ? "tenant_id, list_id, type, value" : "row_no, type, value";
        using var copy = conn.BeginBinaryImport($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var value in plain.E164s())
        {
            copy.StartRow();
            if (intoPartition)
            {
                copy.Write(job.TenantId, NpgsqlDbType.Uuid);
                copy.Write(job.ListId, NpgsqlDbType.Uuid);
            }
            else copy.Write(0, NpgsqlDbType.Integer);
            copy.Write(SuppressionEntryType.Phone, NpgsqlDbType.Text);
            copy.Write(value, NpgsqlDbType.Text);
        }
        return (long)copy.Complete();
    }

    /// <summary>
    /// Puts the staged entries into the live index before the commit, so they suppress from the moment the list
    /// holds them. If Redis fails, nothing is committed: the import fails, and the list is marked stale so a
    /// rebuild takes out whatever part of the batch reached the index.
    /// </summary>
    private async Task<string?> AddToIndexAsync(string stage, SuppressionImportJob job, NanpNumbers plain, CancellationToken ct)
    {
        // Off the caller's thread: the list's write starts at once beside it.
        await Task.Yield();
        var writing = new List<Task>();
        try
        {
            await index.AddNanpAsync(job.TenantId, job.ListId, plain, ct);
            await using var conn = await db.OpenConnectionAsync(ct);
            var batch = new List<SuppressionEntry>(IndexBatch);
            // A replace empties the list, feeds and all (and locks it, so it must not be read here).
            await foreach (var e in StagedAsync(conn, stage, job.Mode == "replace" ? null : job.ListId, ct))
            {
                batch.Add(e);
                if (batch.Count < IndexBatch) continue;
                // Two batches on their way at once: one is sent while Redis works on the other.
                if (writing.Count == 2) { await writing[0]; writing.RemoveAt(0); }
                writing.Add(index.AddAsync(job.TenantId, job.ListId, batch, clock.GetUtcNow()));
                batch = new List<SuppressionEntry>(IndexBatch);
            }
            if (batch.Count > 0) writing.Add(index.AddAsync(job.TenantId, job.ListId, batch, clock.GetUtcNow()));
            await Task.WhenAll(writing);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            try { await Task.WhenAll(writing); } catch (Exception) { /* the first failure is the one reported */ }
            log.LogError(e, "Suppression import {ImportId}: the index could not be updated; nothing was saved", job.ImportId);
            await store.MarkStaleAsync(job.TenantId, job.ListId, CancellationToken.None);
            return "the suppression index (Redis) could not be updated, so no entries were saved; try again when it is back";
        }
    }

    /// <summary>
    /// A replace rebuilds the index from PostgreSQL (so does an import that a rebuild overlapped); until that switch
    /// the old index also answers for the old entries (over-suppressing for a moment, never under). If the rebuild fails, the list is marked stale: lookups
    /// fail closed and the repair loop rebuilds it.
    /// </summary>
    private async Task RebuildAsync(SuppressionImportJob job, List<string> warnings, CancellationToken ct)
    {
        try { await rebuilder.RebuildAsync(job.TenantId, job.ListId, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Suppression import {ImportId}: the entries are saved but the index rebuild failed; marking list {ListId} stale", job.ImportId, job.ListId);
            await store.MarkStaleAsync(job.TenantId, job.ListId, CancellationToken.None);
            warnings.Add("the entries were saved, but the lookup index could not be rebuilt; lookups on this list fail closed until it is " +
                $"(automatically, or POST /api/v1/suppression-lists/{job.ListId}/rebuild-index)");
        }
    }

    /// <summary>The index's version and the rebuild under way, if any; null when Redis cannot say (which then counts as a change).</summary>
    private async Task<(long? Version, long? Building)?> RebuildStateAsync(SuppressionImportJob job)
    {
        try { return (await index.VersionAsync(job.TenantId, job.ListId), await index.BuildingAsync(job.TenantId, job.ListId)); }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException) { return null; }
    }

    /// <summary>
    /// The staged entries as the upsert will leave them: a number a feed holds (in list <paramref name="listId"/>, when
    /// given) takes no dates. Feeds change only under the import lock this import holds, so what is read here is what
    /// the upsert meets.
    /// </summary>
    private static async IAsyncEnumerable<SuppressionEntry> StagedAsync(NpgsqlConnection conn, string stage, Guid? listId,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(listId is not { } l ? Distinct(stage) : $"""
            SELECT s.type, s.value, CASE WHEN p.feeds IS NULL THEN s.starts_at END, CASE WHEN p.feeds IS NULL THEN s.expires_at END, s.source
            FROM ({Distinct(stage)}) s LEFT JOIN {SuppressionListStore.PartitionName(l)} p ON p.list_id = '{l}' AND p.type = s.type AND p.value = s.value
            """, conn) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            yield return new SuppressionEntry(r.GetString(0), r.GetString(1),
                r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetString(4));
    }
}

using CxContact.Server.Jobs;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Storage;
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
/// interrupted import leaves the list exactly as it was; and the commit marks the job applied, so one interrupted
/// after it is only closed when it runs again, never applied twice.
/// </summary>
public sealed class ImportRunner(NpgsqlDataSource db, ContactListStore store, ImportJobStore jobs, IGrainFactory grains, ILogger<ImportRunner> log,
    Platform.Hosting.PlatformSettings settings, Sftp.SftpFetcher sftp, LandingQuota quota) : ImportRunnerBase<ImportJob, ImportRun>(jobs, sftp, quota, log)
{
    /// <summary>
    /// COPY streams far more than ordinary queries: a 1 MB write buffer sends it in large socket writes instead of
    /// 8 KB ones, so the writer thread does not stall on every flush.
    /// </summary>
    private readonly Lazy<NpgsqlDataSource> _bulk = new(() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.Postgres) { WriteBufferSize = 1 << 20 }.ConnectionString));

    private enum Path { Fresh, Direct, Merge }

    /// <summary>One for the process: its per-prefix cache is a pure function of the library's data, so every import shares it.</summary>
    private static readonly PhoneNormalizer Phones = new();

    /// <summary>How long the closing waits for the list's grain when its silo has just died (the cluster moves it within seconds).</summary>
    public static readonly TimeSpan GrainOutageWait = TimeSpan.FromMinutes(1);

    protected override ImportRun Start(ImportJob job) => job.AppliedAt is null
        ? new ImportRun(new ImportProgress(), [], applied: false)
        : new ImportRun(ImportProgress.Of(job), [.. job.Warnings], applied: true);

    protected override long RowsRead(ImportRun run) => run.Progress.RowsRead;

    protected override string EncodingOf(ImportJob job) => JsonSerializer.Deserialize<ImportSpec>(job.SpecJson, ImportSpecJson.Options)?.Format.Encoding ?? "utf-8";

    protected override string? FailureOf(Exception e, ImportJob job) => e is ImportPlanException plan ? $"{plan.Where}: {plan.Message}" : null;

    protected override Task HeartbeatAsync(ImportJob job, ImportRun run, CancellationToken ct) => jobs.HeartbeatAsync(job.TenantId, job.ImportId, run.Progress, ct);

    protected override async Task<string?> ImportAsync(ImportJob job, ImportRun run, CancellationToken ct)
    {
        if (run.Applied) return null; // its records went in before it was cut off: only the closing is left
        if (await List(job).GetAsync() is not { } info) return "the list was deleted before the import ran";
        if (job.Source == "sftp")
        {
            run.Progress.Phase = "fetching";
            if (await PullAsync(job, ct) is { } pullFailure) return pullFailure;
        }
        (var failure, run.ExactCounts) = await ReadAndApplyAsync(job, info, run.Progress, run.Warnings, run.Errors, ct);
        return failure;
    }

    protected override async Task FinishAsync(ImportJob job, ImportRun run, string? failure, TimeSpan elapsed, CancellationToken ct)
    {
        var progress = run.Progress;
        await StoreErrorsAsync(job, run.Errors, ct);
        // The list's grain learns the outcome before the job is closed: an import cut off in between runs again, and
        // being applied already, only closes. The row read again has the file name an SFTP pull recorded.
        var finished = ((await jobs.GetAsync(job.TenantId, job.ListId, job.ImportId, ct)) ?? job)
            .Finished(progress, failure, run.Warnings, DateTimeOffset.UtcNow);
        var list = List(job);
        var counts = failure is null ? run.ExactCounts ?? await store.CountAsync(job.ListId, ct) : null;
        var current = (await UntilGrainAnswersAsync(list.GetAsync))?.Counts;
        await UntilGrainAnswersAsync(async () => { await list.ImportFinishedAsync(finished.ToSummary(), counts ?? current ?? ListCounts.Empty); return true; });
        await jobs.FinishAsync(finished, ct);
        log.LogInformation("Import {ImportId} of list {ListId} {State} in {Seconds:0.0}s: {Read} read, {Accepted} accepted, {Rejected} rejected, {Excluded} excluded, {Merged} merged{Error}",
            job.ImportId, job.ListId, finished.State, elapsed.TotalSeconds, progress.RowsRead, progress.Accepted, progress.Rejected,
            progress.Excluded, progress.Merged, failure is null ? "" : "; " + failure);
    }

    protected override async Task GiveUpAsync(ImportJob job, string reason, CancellationToken ct)
    {
        var finished = await jobs.GiveUpAsync(job, reason, ct);
        var list = List(job);
        var counts = (await UntilGrainAnswersAsync(list.GetAsync))?.Counts ?? ListCounts.Empty;
        await UntilGrainAnswersAsync(async () => { await list.ImportFinishedAsync(finished.ToSummary(), counts); return true; });
    }

    private IContactListGrain List(ImportJob job) => grains.GetGrain<IContactListGrain>(job.ListId, job.TenantId.ToString());

    /// <summary>
    /// A grain call of the closing, made again while the grain's silo or its storage is away for a while (the cluster
    /// moves a grain off a dead silo within seconds): after the import's work, failing here would make it run again.
    /// </summary>
    private static async Task<T> UntilGrainAnswersAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + GrainOutageWait;
        while (true)
        {
            try { return await call(); }
            catch (Exception e) when (Outage.Of(e) is not null && DateTime.UtcNow < deadline) { await Task.Delay(TimeSpan.FromSeconds(1)); }
        }
    }

    /// <summary>The country and zone a record without its own falls back to: the spec's, else the list's, else the tenant's.</summary>
    public static async Task<(string Country, string Zone)> DefaultsAsync(IGrainFactory grains, Guid tenantId, ImportSpec spec, ContactListInfo list)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).GetSettingsAsync();
        return (spec.DefaultCountry ?? list.DefaultCountry ?? tenant.DefaultCountry, spec.DefaultTimeZone ?? list.DefaultTimeZone ?? tenant.DefaultTimeZone);
    }

    /// <summary>
    /// Returns null on success, or why the import failed (the list is then untouched); and the list's counts when
    /// they are known exactly without counting (a fresh set where nothing merged).
    /// </summary>
    private async Task<(string? Failure, ListCounts? Counts)> ReadAndApplyAsync(ImportJob job, ContactListInfo list, ImportProgress p, List<string> warnings, List<RowError> errors, CancellationToken ct)
    {
        var spec = JsonSerializer.Deserialize<ImportSpec>(job.SpecJson, ImportSpecJson.Options) ?? new ImportSpec();
        var (country, zone) = await DefaultsAsync(grains, job.TenantId, spec, list);
        var mode = Enum.Parse<ImportMode>(job.Mode, ignoreCase: true);

        var partition = ContactListStore.PartitionName(job.ListId);
        var fresh = "cr_" + job.ImportId.ToString("N");
        var staging = "ist_" + job.ImportId.ToString("N");
        await using var conn = await _bulk.Value.OpenConnectionAsync(ct);
        // An earlier attempt of this job may have died halfway: its tables are leftovers, never part of the list.
        await SqlCommands.ExecAsync(conn, null, $"DROP TABLE IF EXISTS {fresh}; DROP TABLE IF EXISTS {staging}", ct);

        var listIsEmpty = !await SqlCommands.ScalarAsync<bool>(conn, null, $"SELECT EXISTS (SELECT 1 FROM {partition})", ct);
        var key = mode == ImportMode.Update ? KeyExpression(spec.UpdateKey ?? StandardFields.ClientId) : DedupeExpression(spec.DedupeBy);
        var path = mode == ImportMode.Replace || listIsEmpty ? Path.Fresh : key is null ? Path.Direct : Path.Merge;

        NpgsqlTransaction? tx = null;
        var sawRows = false;
        ListCounts? written = null;
        var mayHaveDuplicates = true;
        string target;
        switch (path)
        {
            case Path.Fresh:
                await ContactListStore.CreatePartitionAsync(conn, null, fresh, job.ListId, attach: false, ct);
                target = fresh;
                break;
            case Path.Merge:
                await SqlCommands.ExecAsync(conn, null, $"CREATE UNLOGGED TABLE {staging} (LIKE contact_records INCLUDING DEFAULTS)", ct);
                target = staging;
                break;
            default:
                tx = await conn.BeginTransactionAsync(ct);
                target = partition;
                break;
        }

        var reading = Stopwatch.StartNew();
        try
        {
            await using (var copy = await ContactRecordCopy.BeginAsync(conn, target, job.TenantId, job.ListId, job.ImportId, ct))
            {
                var outcome = await new ImportPipeline(spec, country, zone, Phones, KeySelector(mode, spec)).RunAsync(job.FilePath, copy.Write, p, warnings, errors, ct);
                sawRows = outcome.SawRows;
                written = outcome.Counts;
                mayHaveDuplicates = outcome.MayHaveDuplicates;
                p.Phase = "writing";
                await copy.CompleteAsync(ct);
            }
            // Before the apply: an import cut off after its commit is only closed when it runs again, with no rows to report.
            await StoreErrorsAsync(job, errors, ct);
            errors.Clear();

            if (p.RowsRead == 0) return (sawRows && spec.Format.HasHeader ? "the file has a header but no data rows" : "the file is empty", null);
            if (p.Rejected * 100.0 > spec.RejectThresholdPercent * p.RowsRead)
                return ($"{p.Rejected} of {p.RowsRead} rows ({p.Rejected * 100.0 / p.RowsRead:0.#} %) were rejected, more than the " +
                       $"{spec.RejectThresholdPercent:0.#} % allowed (spec.rejectThresholdPercent); the list was left as it was. " +
                       "The errors report says why each row was rejected.", null);

            p.Phase = "applying";
            var applying = Stopwatch.StartNew();
            Task Applied(NpgsqlTransaction t) => ImportJobStore.MarkAppliedAsync(conn, t, job.TenantId, job.ImportId, p, warnings, ct);
            switch (path)
            {
                case Path.Fresh:
                    if (key is not null && mayHaveDuplicates) p.Merged += await DedupeAsync(conn, null, fresh, key, ct);
                    var deduped = applying.Elapsed;
                    await store.IndexPartitionAsync(fresh, ct);
                    var indexed = applying.Elapsed;
                    await SwapAsync(conn, job.ListId, partition, fresh, Applied, ct);
                    log.LogInformation("Import {ImportId}: read and copied in {Read:0.00}s; dedupe {Dedupe:0.00}s, indexes {Index:0.00}s, swap {Swap:0.00}s",
                        job.ImportId, reading.Elapsed.TotalSeconds - applying.Elapsed.TotalSeconds, deduped.TotalSeconds, (indexed - deduped).TotalSeconds,
                        (applying.Elapsed - indexed).TotalSeconds);
                    break;
                case Path.Merge:
                    await MergeAsync(conn, partition, staging, key!, p, Applied, ct);
                    break;
                default:
                    await Applied(tx!);
                    await tx!.CommitAsync(ct);
                    tx = null;
                    break;
            }
            return (null, path == Path.Fresh && p.Merged == 0 ? written : null);
        }
        finally
        {
            // A connection PostgreSQL ended (a restart) has nothing to roll back, and failing here would hide why; the
            // tables left over are dropped when the job runs again.
            if (conn.State == System.Data.ConnectionState.Open)
            {
                if (tx is not null) await tx.RollbackAsync(CancellationToken.None);
                await SqlCommands.ExecAsync(conn, null, $"DROP TABLE IF EXISTS {fresh}; DROP TABLE IF EXISTS {staging}", CancellationToken.None);
            }
        }
    }

    /// <summary>The in-memory twin of <see cref="KeyExpression"/>/<see cref="DedupeExpression"/>.</summary>
    private static Func<ContactRecord, string?>? KeySelector(ImportMode mode, ImportSpec spec)
    {
        if (mode == ImportMode.Update) { var field = spec.UpdateKey ?? StandardFields.ClientId; return r => r.Get(field); }
        return spec.DedupeBy switch
        {
            DedupeBy.ClientId => r => r.ClientId,
            DedupeBy.Phone => r => r.Devices.Count > 0 ? r.Devices[0].E164 : null,
            _ => null,
        };
    }

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

    /// <summary>
    /// Keeps the last row of each key within one table; returns how many rows were merged away. Most files have no
    /// duplicates, so a hash aggregate looks first and the sorting delete runs only when there is something to merge.
    /// </summary>
    private static async Task<long> DedupeAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string table, string key, CancellationToken ct) =>
        !await SqlCommands.ScalarAsync<bool>(conn, tx, $"SELECT EXISTS (SELECT 1 FROM {table} WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1)", ct) ? 0 :
        await SqlCommands.ExecAsync(conn, tx, $"""
            DELETE FROM {table} t USING (
                SELECT ctid, row_number() OVER (PARTITION BY {key} ORDER BY source_row DESC) AS n FROM {table} WHERE {key} IS NOT NULL
            ) d WHERE t.ctid = d.ctid AND d.n > 1
            """, ct);

    /// <summary>The replace: the list's partition is swapped for the new table in one transaction.</summary>
    private static async Task SwapAsync(NpgsqlConnection conn, Guid listId, string partition, string fresh, Func<NpgsqlTransaction, Task> applied,
        CancellationToken ct)
    {
        // A matching CHECK lets ATTACH skip scanning the new table to prove every row belongs to the list.
        await SqlCommands.ExecAsync(conn, null, $"ALTER TABLE {fresh} ADD CONSTRAINT {fresh}_list CHECK (list_id = '{listId}')", ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SqlCommands.ExecAsync(conn, tx, $"ALTER TABLE contact_records DETACH PARTITION {partition}", ct);
        await SqlCommands.ExecAsync(conn, tx, $"DROP TABLE {partition}", ct);
        await SqlCommands.ExecAsync(conn, tx, $"ALTER TABLE {fresh} RENAME TO {partition}", ct);
        await SqlCommands.ExecAsync(conn, tx, $"ALTER TABLE contact_records ATTACH PARTITION {partition} FOR VALUES IN ('{listId}')", ct);
        await applied(tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Update by key, or append with dedupe: matching records are updated (keeping attempts), the rest added.</summary>
    private static async Task MergeAsync(NpgsqlConnection conn, string partition, string staging, string key, ImportProgress p,
        Func<NpgsqlTransaction, Task> applied, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        p.Merged += await DedupeAsync(conn, tx, staging, key, ct);
        await SqlCommands.ExecAsync(conn, tx, $"ANALYZE {staging}", ct);
        p.Merged += await SqlCommands.ExecAsync(conn, tx, $"""
            UPDATE {partition} r SET client_id = s.client_id, first_name = s.first_name, last_name = s.last_name, company = s.company,
                postal_code = s.postal_code, region = s.region, country = s.country, tz = s.tz, emails = s.emails, phones = s.phones,
                phone_slots = s.phone_slots, phone_types = s.phone_types, phone_zones = s.phone_zones,
                phone_countries = s.phone_countries, phone_regions = s.phone_regions, phone_area_codes = s.phone_area_codes, custom = s.custom,
                invalid_devices = s.invalid_devices,
                source_row = s.source_row, imported_at = s.imported_at, import_id = s.import_id
            FROM {staging} s WHERE r.{Qualify(key)} = s.{Qualify(key)}
            """, ct);
        await SqlCommands.ExecAsync(conn, tx, $"""
            INSERT INTO {partition} SELECT s.* FROM {staging} s
            WHERE s.{Qualify(key)} IS NULL OR NOT EXISTS (SELECT 1 FROM {partition} r WHERE r.{Qualify(key)} = s.{Qualify(key)})
            """, ct);
        await applied(tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>"(custom->>'x')" and "phones[1]" are expressions; they read the same after a table alias and a dot.</summary>
    private static string Qualify(string key) => key.StartsWith('(') ? key[1..^1] : key;

    private async Task StoreErrorsAsync(ImportJob job, List<RowError> errors, CancellationToken ct)
    {
        if (errors.Count == 0) return;
        await using var conn = await db.OpenConnectionAsync(ct);
        await SqlCommands.ExecAsync(conn, null, "DELETE FROM list_import_errors WHERE tenant_id = @t AND import_id = @i", ct, ("t", job.TenantId), ("i", job.ImportId));
        await using var copy = await conn.BeginBinaryImportAsync("COPY list_import_errors (tenant_id, import_id, row_no, column_name, reason, warning) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in errors)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(job.TenantId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(job.ImportId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(e.Row, NpgsqlTypes.NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(e.Column, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(e.Reason, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(e.Warning, NpgsqlTypes.NpgsqlDbType.Boolean, ct);
        }
        await copy.CompleteAsync(ct);
    }
}

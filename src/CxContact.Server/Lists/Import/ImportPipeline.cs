using CxContact.Server.Jobs.Files;
using CxContact.Server.Jobs;
using System.Text;
using System.Threading.Channels;
using CxContact.Core.Lists;
using CxContact.Core.Phones;
using nietras.SeparatedValues;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// The read side of an import, in three stages so both cores work: one thread parses the file into cells, two
/// build and validate records (phones, postal codes, types, selection), and one writes them to the COPY. Batches
/// flow through bounded channels, so memory stays flat whatever the file size.
/// </summary>
/// <param name="maxRows">A preview reads this many data rows and stops.</param>
/// <param name="sample">When given, the first rows' cells as read (a preview shows them under the mapping).</param>
public sealed class ImportPipeline(ImportSpec spec, string defaultCountry, string defaultZone, PhoneNormalizer phones,
    Func<ContactRecord, string?>? dedupeKey, int builders = 2, int maxRows = int.MaxValue, List<(int Row, string?[] Cells)>? sample = null)
{
    public const int SampleRows = 20;
    /// <summary>Columns a row may have: 10 phones, 3 emails and the standard fields leave room for hundreds of custom ones.</summary>
    public const int MaxColumns = 1000;
    public const int BatchSize = 1024;
    public const int MaxStoredErrors = 100_000;
    /// <summary>
    /// Key hashes kept to prove "no duplicates" without a pass over the table: 8 bytes a record (160 MB at the cap,
    /// twice that for a moment while sorting). Past this, tracking stops and the database checks instead.
    /// </summary>
    public const int MaxTrackedKeys = 20_000_000;

    private sealed record RawRow(int Row, string?[] Cells, RowError? Error);
    private sealed record Built(List<ContactRecord> Records, List<RowError> Errors, int Rejected, int Excluded);

    /// <summary>
    /// Whether the file had any non-blank row; the counts of what was written (exact unless merged later); and
    /// whether two records may share a dedupe key (false means certainly not, so no merge pass is needed); how the
    /// columns were read; and whether rows were left unread (<c>maxRows</c>).
    /// </summary>
    public sealed record Outcome(bool SawRows, ListCounts Counts, bool MayHaveDuplicates, ImportPlan? Plan, IReadOnlyList<string>? Header, bool Truncated);

    private IReadOnlyList<string>? _header;
    private bool _truncated;

    /// <param name="write">Where each accepted record goes (the COPY into the list; nowhere for a preview).</param>
    public async Task<Outcome> RunAsync(string path, Action<ContactRecord> write, ImportProgress p, List<string> warnings, List<RowError> errors, CancellationToken ct)
    {
        var raw = Channel.CreateBounded<List<RawRow>>(new BoundedChannelOptions(4) { SingleWriter = true });
        var built = Channel.CreateBounded<Built>(new BoundedChannelOptions(4) { SingleReader = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);

        ImportPlan? plan = null;
        var planReady = new TaskCompletionSource<ImportPlan?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parse = Task.Run(() =>
        {
            try { Parse(path, raw.Writer, p, warnings, planReady, failed.Token); }
            catch (NotSupportedException e)
            {
                // Sep's own ceiling on a row's length, should a line slip under LineLengthGuard's: said as the file's problem.
                var failure = new ImportFailedException($"a row of the file is longer than the CSV reader takes ({e.Message}); no contact row is that long");
                planReady.TrySetException(failure);
                raw.Writer.TryComplete(failure);
                throw failure;
            }
            catch (Exception e) { planReady.TrySetException(e); raw.Writer.TryComplete(e); throw; }
        }, failed.Token);

        plan = await planReady.Task.WaitAsync(failed.Token).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        var build = Enumerable.Range(0, plan is null ? 0 : builders).Select(_ => Task.Run(async () =>
        {
            var builder = new RecordBuilder(plan!, spec, defaultCountry, defaultZone, phones);
            await foreach (var batch in raw.Reader.ReadAllAsync(failed.Token))
                await built.Writer.WriteAsync(Build(builder, batch), failed.Token);
        }, failed.Token)).ToArray();
        var buildersDone = Task.WhenAll(build).ContinueWith(t => built.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        var counts = new CountTally();
        var keys = dedupeKey is null ? null : new KeyHashes();
        try
        {
            await foreach (var batch in built.Reader.ReadAllAsync(failed.Token))
            {
                foreach (var r in batch.Records)
                {
                    write(r);
                    counts.Add(r);
                    if (keys is not null && dedupeKey!(r) is { } k) keys.Add(Fnv1a(k));
                }
                p.Accepted += batch.Records.Count;
                p.Rejected += batch.Rejected;
                p.Excluded += batch.Excluded;
                foreach (var e in batch.Errors) if (errors.Count < MaxStoredErrors) errors.Add(e);
            }
            await parse;
            await buildersDone;
        }
        catch
        {
            await failed.CancelAsync();
            await Task.WhenAll(build.Append(parse)).ContinueWith(_ => { }, TaskScheduler.Default);
            // The parse stage's own error says what is wrong with the file; prefer it to a cancellation.
            if (parse.IsFaulted) throw parse.Exception!.GetBaseException();
            throw;
        }
        if (parse.IsFaulted) throw parse.Exception!.GetBaseException();
        return new Outcome(plan is not null, counts.ToCounts(), keys?.MayHaveDuplicates() ?? false, plan, _header, _truncated);
    }

    /// <summary>
    /// 64-bit hashes of every dedupe key, in chunks. Equal keys always hash equal, so no equal pair among the sorted
    /// hashes proves there is no duplicate; an equal pair (or too many keys to hold) sends the check to the database.
    /// </summary>
    private sealed class KeyHashes
    {
        private const int ChunkSize = 1 << 16;
        private readonly List<ulong[]> _chunks = [];
        private int _used = ChunkSize;
        private long _count;
        private bool _overflow;

        public void Add(ulong hash)
        {
            if (_overflow) return;
            if (++_count > MaxTrackedKeys) { _overflow = true; _chunks.Clear(); return; }
            if (_used == ChunkSize) { _chunks.Add(new ulong[ChunkSize]); _used = 0; }
            _chunks[^1][_used++] = hash;
        }

        public bool MayHaveDuplicates()
        {
            if (_overflow) return true;
            var all = new ulong[_count];
            var at = 0;
            foreach (var chunk in _chunks)
            {
                var n = (int)Math.Min(ChunkSize, _count - at);
                Array.Copy(chunk, 0, all, at, n);
                at += n;
            }
            _chunks.Clear();
            Array.Sort(all);
            for (var i = 1; i < all.Length; i++) if (all[i] == all[i - 1]) return true;
            return false;
        }
    }

    private static ulong Fnv1a(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    private Built Build(RecordBuilder builder, List<RawRow> batch)
    {
        var records = new List<ContactRecord>(batch.Count);
        var errors = new List<RowError>();
        int rejected = 0, excluded = 0, before;
        foreach (var row in batch)
        {
            if (row.Error is { } early) { rejected++; errors.Add(early); continue; }
            before = errors.Count;
            var record = builder.Build(row.Row, row.Cells, errors);
            if (record is null) { rejected++; continue; }
            if (spec.Selection is not null && !SelectionRules.Matches(spec.Selection, record)) { excluded++; continue; }
            records.Add(record);
        }
        return new Built(records, errors, rejected, excluded);
    }

    private void Parse(string path, ChannelWriter<List<RawRow>> output, ImportProgress p, List<string> warnings,
        TaskCompletionSource<ImportPlan?> planReady, CancellationToken ct)
    {
        var format = spec.Format;
        using var counting = new CountingStream(File.OpenRead(path));
        TextReader text = new LineLengthGuard(new StreamReader(counting, ImportEncoding.For(format.Encoding), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
        var quote = format.QuoteChar;
        if (quote != '"') text = new QuoteSwappingReader(text, quote);
        using var reader = Sep.New(format.DelimiterChar).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false }).From(text);

        ImportPlan? plan = null;
        var batch = new List<RawRow>(BatchSize);
        foreach (var row in reader)
        {
            ct.ThrowIfCancellationRequested();
            var rowNumber = row.RowIndex + 1;
            if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty) continue; // blank line

            if (plan is null && row.ColCount > MaxColumns)
                throw new ImportFailedException($"row {rowNumber:N0} has {row.ColCount:N0} columns; at most {MaxColumns:N0}. " +
                    $"Is spec.format.delimiter ('{(format.DelimiterChar == '\t' ? "\\t" : format.DelimiterChar.ToString())}') right?");
            if (plan is null)
            {
                List<string>? header = null;
                if (format.HasHeader)
                {
                    header = new List<string>(row.ColCount);
                    for (var i = 0; i < row.ColCount; i++)
                    {
                        header.Add(CsvValue.Unquote(row[i].Span, quote, out var open) ?? "");
                        if (open)
                            throw new ImportFailedException($"column {i + 1} of the header row opens a quote that is never closed, so the rest of the " +
                                "file cannot be read as rows; a quote inside a value must be written twice (\"\") and the value quoted");
                    }
                }
                if (row.ColCount == 1) GuardDelimiter(row[0].Span, format.DelimiterChar);
                plan = ImportPlan.Build(spec, header, row.ColCount);
                _header = header;
                warnings.AddRange(plan.Warnings);
                planReady.TrySetResult(plan);
                if (format.HasHeader) continue;
            }

            if (p.RowsRead == maxRows) { _truncated = true; break; }
            p.RowsRead++;
            p.BytesRead = counting.BytesRead;
            var cells = Cells(row, rowNumber, plan, quote, format.HasHeader);
            if (sample is { Count: < SampleRows }) sample.Add((rowNumber, cells.Cells));
            batch.Add(cells);
            if (batch.Count == BatchSize)
            {
                output.WriteAsync(batch, ct).AsTask().GetAwaiter().GetResult();
                batch = new List<RawRow>(BatchSize);
            }
        }
        planReady.TrySetResult(plan);
        if (batch.Count > 0) output.WriteAsync(batch, ct).AsTask().GetAwaiter().GetResult();
        p.BytesRead = counting.BytesRead;
        output.Complete();
    }

    private static RawRow Cells(SepReader.Row row, int rowNumber, ImportPlan plan, char quote, bool hasHeader)
    {
        var cells = new string?[plan.ExpectedColumns];
        for (var i = 0; i < row.ColCount && i < cells.Length; i++)
        {
            cells[i] = CsvValue.Unquote(row[i].Span, quote, out var unterminated);
            if (unterminated)
                return new RawRow(rowNumber, cells, new RowError(rowNumber, plan.Targets.FirstOrDefault(t => t.Index == i)?.Header ?? $"column {i + 1}",
                    "has a quote that is never closed; everything after it up to the end of the file was read as this one value"));
        }
        return row.ColCount == plan.ExpectedColumns
            ? new RawRow(rowNumber, cells, null)
            : new RawRow(rowNumber, cells, new RowError(rowNumber, "(row)",
                $"has {row.ColCount} columns; the {(hasHeader ? "header has" : "first row has")} {plan.ExpectedColumns}"));
    }

    /// <summary>One column and the header holding another delimiter is almost always the wrong delimiter.</summary>
    private static void GuardDelimiter(ReadOnlySpan<char> only, char delimiter)
    {
        foreach (var d in ",;\t|")
            if (d != delimiter && only.Contains(d))
                throw new ImportFailedException($"the first row is a single column that contains '{Show(d)}'; " +
                    $"the spec's delimiter is '{Show(delimiter)}'. Is spec.format.delimiter right?");
        static string Show(char c) => c == '\t' ? "\\t" : c.ToString();
    }

    /// <summary>Counts of the records as written: what the list will hold when nothing was merged.</summary>
    private sealed class CountTally
    {
        private long _records, _devices, _invalid;
        private readonly Dictionary<string, long> _zones = new(StringComparer.Ordinal);
        private readonly long[] _types = new long[5];

        public void Add(ContactRecord r)
        {
            _records++;
            _invalid += r.InvalidDevices?.Count ?? 0;
            foreach (var d in r.Devices)
            {
                _devices++;
                _types[(int)d.Type]++;
                var z = Core.Geography.ZoneList.Join(d.Zones);
                _zones[z.Length == 0 ? "unknown" : z] = _zones.GetValueOrDefault(z.Length == 0 ? "unknown" : z) + 1;
            }
        }

        public ListCounts ToCounts() => new(_records, _devices, _invalid, new Dictionary<string, long>(_zones),
            Enumerable.Range(0, _types.Length).Where(i => _types[i] > 0).ToDictionary(i => ((DeviceType)i).ToWire(), i => _types[i]));
    }
}

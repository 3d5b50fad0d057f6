using CxContact.Core.Lists;
using CxContact.Core.Phones;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// A dry run of an import over the first <see cref="MaxRows"/> rows of a file: what each column feeds, the first rows as
/// read, and which rows the real import would accept (with a warning for each unusable phone or email it keeps), reject (and
/// why) or leave out by the selection rule. It reads
/// with the import's own pipeline, so what it shows is what the import will do; nothing is written.
/// </summary>
/// <param name="MoreRows">The file goes on past the rows read: the figures are of its head only.</param>
public sealed record ImportPreview(
    IReadOnlyList<string>? Header, IReadOnlyList<ImportPreviewColumn> Columns, IReadOnlyList<ImportPreviewRow> Rows,
    long RowsRead, long Accepted, long Rejected, long Excluded, bool MoreRows, IReadOnlyList<ImportRowProblem> Errors, IReadOnlyList<string> Warnings)
{
    public const int MaxRows = 1000;
    public const int MaxErrors = 200;

    private static readonly PhoneNormalizer Phones = new();

    /// <summary>Reads the head of <paramref name="path"/> as the import would; throws ImportFailedException or ImportPlanException as it would.</summary>
    public static async Task<ImportPreview> ReadAsync(string path, ImportSpec spec, string country, string zone, CancellationToken ct)
    {
        var sample = new List<(int Row, string?[] Cells)>();
        var progress = new ImportProgress();
        var warnings = new List<string>();
        var errors = new List<RowError>();
        var outcome = await new ImportPipeline(spec, country, zone, Phones, dedupeKey: null, builders: 1, maxRows: MaxRows, sample: sample)
            .RunAsync(path, _ => { }, progress, warnings, errors, ct);
        var columns = new List<ImportPreviewColumn>();
        var width = outcome.Plan?.ExpectedColumns ?? 0;
        for (var i = 0; i < width; i++)
        {
            var header = outcome.Header is { } h && i < h.Count ? h[i] : $"column {i + 1}";
            columns.Add(outcome.Plan!.Targets.FirstOrDefault(t => t.Index == i) is { } t
                ? new ImportPreviewColumn(i + 1, header, t.Field, t.CustomName, t.CustomName is null ? null : t.CustomType.ToString().ToLowerInvariant(),
                    t.DeviceHint == DeviceType.Unknown ? null : t.DeviceHint.ToWire())
                : new ImportPreviewColumn(i + 1, header, "ignored", null, null, null));
        }
        return new ImportPreview(outcome.Header, columns, [.. sample.Select(r => new ImportPreviewRow(r.Row, r.Cells))], progress.RowsRead, progress.Accepted, progress.Rejected, progress.Excluded,
            outcome.Truncated, [.. errors.OrderBy(e => e.Row).Take(MaxErrors).Select(e => new ImportRowProblem(e.Row, e.Column, e.Reason, e.Severity))], warnings);
    }
}

/// <summary>What one file column feeds in a preview.</summary>
/// <param name="Number">1-based, as a spec's numeric source counts.</param>
/// <param name="Field">A standard field, "custom", or "ignored".</param>
public sealed record ImportPreviewColumn(int Number, string Header, string Field, string? CustomName, string? CustomType, string? DeviceType);

/// <summary>One row of the file as read: its row number in the file and its cells by column position.</summary>
public sealed record ImportPreviewRow(int Row, IReadOnlyList<string?> Cells);

/// <summary>
/// A problem the import would report: its file row, the column (header or "column N", "(row)" for the whole row), why,
/// and its severity: "reject" (the row is left out) or "warning" (the row is kept, this phone or email as an invalid device).
/// </summary>
public sealed record ImportRowProblem(int Row, string Column, string Reason, string Severity);

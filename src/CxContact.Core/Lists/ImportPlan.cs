using System.Text;
using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>
/// A spec resolved against one file's header: which column feeds which field. Building it is where a spec that
/// does not fit the file fails, once, with a message that names the column, before any row is read.
/// </summary>
public sealed class ImportPlan
{
    public required IReadOnlyList<ColumnTarget> Targets { get; init; }
    public required int ExpectedColumns { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>
    /// Whether a phone or email column is mapped: the list is then meant for calls or messages, and a row with no
    /// usable device in any of them has nothing to be kept for.
    /// </summary>
    public bool MapsDevices => _mapsDevices ??= Targets.Any(t => t.PhoneSlot > 0 || t.EmailSlot > 0);
    private bool? _mapsDevices;

    public static ImportPlan Build(ImportSpec spec, IReadOnlyList<string>? header, int firstRowColumns)
    {
        var warnings = new List<string>();
        var targets = new List<ColumnTarget>();
        var expected = header?.Count ?? firstRowColumns;

        if (spec.Columns.Count == 0)
        {
            if (header is null) throw new ImportPlanException("spec.columns", "a file without a header row needs column mappings");
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                var name = Normalize(header[i]);
                if (name.Length == 0) { warnings.Add($"column {i + 1} has an empty header and was ignored"); continue; }
                if (seen.TryGetValue(name, out var first))
                    throw new ImportPlanException("file", $"the header \"{header[i]}\" appears twice (columns {first + 1} and {i + 1}); rename one or send a spec");
                seen[name] = i;
                targets.Add(StandardFields.Mappable.Contains(name)
                    ? Standard(i, header[i], name, DeviceType.Unknown)
                    : new ColumnTarget(i, header[i], "custom", 0, 0, CustomName(name), CustomFieldType.String, DeviceType.Unknown));
            }
            return new ImportPlan { Targets = targets, ExpectedColumns = expected, Warnings = warnings };
        }

        for (var m = 0; m < spec.Columns.Count; m++)
        {
            var c = spec.Columns[m];
            int index;
            if (c.SourceIndex is { } n)
            {
                index = n - 1;
                if (index >= expected)
                    throw new ImportPlanException($"spec.columns[{m}].source", $"column {n} does not exist: the file has {expected} columns");
            }
            else
            {
                var wanted = c.SourceName!.Trim();
                var matches = Enumerable.Range(0, header!.Count).Where(i => string.Equals(header[i].Trim(), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                if (matches.Count == 0)
                    throw new ImportPlanException($"spec.columns[{m}].source",
                        $"the header has no column \"{CustomValues.Clip(wanted)}\"; it has {string.Join(", ", header.Select(h => $"\"{CustomValues.Clip(h)}\""))}");
                if (matches.Count > 1)
                    throw new ImportPlanException($"spec.columns[{m}].source",
                        $"the header \"{wanted}\" appears more than once (columns {string.Join(", ", matches.Select(i => i + 1))}); use a column number");
                index = matches[0];
            }
            if (c.Ignore) continue;
            var label = header is not null ? header[index] : $"column {index + 1}";
            DeviceTypes.TryParse(c.DeviceType, out var hint);
            targets.Add(c.IsCustom
                ? new ColumnTarget(index, label, "custom", 0, 0, c.Name!, Enum.Parse<CustomFieldType>(c.Type ?? "string", true), DeviceType.Unknown)
                : Standard(index, label, c.Field!, hint));
        }
        return new ImportPlan { Targets = targets, ExpectedColumns = expected, Warnings = warnings };
    }

    private static ColumnTarget Standard(int index, string header, string field, DeviceType hint) =>
        new(index, header, field, StandardFields.PhoneSlot(field), StandardFields.EmailSlot(field), null, CustomFieldType.String, hint);

    /// <summary>"Phone 1" and "PHONE1" both mean phone1; a header is a name, never code, so anything else is kept as text.</summary>
    private static string Normalize(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in header.Trim().TrimStart('\uFEFF'))
            sb.Append(char.IsWhiteSpace(ch) || ch == '-' ? '_' : char.ToLowerInvariant(ch));
        var s = sb.ToString();
        return s.StartsWith("phone_", StringComparison.Ordinal) || s.StartsWith("email_", StringComparison.Ordinal) ? s.Remove(5, 1) : s;
    }

    private static string CustomName(string normalized) => normalized.Length <= 63 ? normalized : normalized[..63];
}

using System.Text.Json;
using System.Text.Json.Nodes;
using CxContact.Admin.Api.Models;

namespace CxContact.Admin.Shared;

/// <summary>
/// The import wizard's choices, turned into the API's import spec: the file's format, what each column feeds, and the
/// selection, dedupe and defaults. The server validates the spec again and names any field it refuses
/// (<c>spec.columns[2].name</c>); <see cref="ColumnOf"/> finds the column such a name means.
/// </summary>
public sealed class ImportDraft
{
    public const string Ignore = "ignore", Custom = "custom";

    /// <summary>Fields a column can feed, in the order a person looks for them.</summary>
    public static readonly IReadOnlyList<string> Targets =
    [
        Ignore, "client_id", "first_name", "last_name", "company", "postal_code", "region", "country", "tz",
        .. Enumerable.Range(1, 10).Select(i => $"phone{i}"), .. Enumerable.Range(1, 3).Select(i => $"email{i}"), Custom,
    ];

    public static readonly IReadOnlyList<string> CustomTypes = ["string", "number", "date", "bool"];
    public static readonly IReadOnlyList<string> DeviceTypes = ["", "mobile", "landline", "voip", "toll-free"];

    public sealed class Column
    {
        public int Number { get; init; }
        public string Header { get; init; } = "";
        public string Target { get; set; } = Ignore;
        public string CustomName { get; set; } = "";
        public string CustomType { get; set; } = "string";
        public string DeviceType { get; set; } = "";
        public bool IsPhone => Target.StartsWith("phone", StringComparison.Ordinal);
    }

    public string Delimiter { get; set; } = ",";
    public bool HasHeader { get; set; } = true;
    public string Encoding { get; set; } = "utf-8";
    public string Mode { get; set; } = "append";
    public string Dedupe { get; set; } = "none";
    public string DefaultCountry { get; set; } = "";
    public string DefaultTimeZone { get; set; } = "";
    public double RejectThresholdPercent { get; set; } = 10;
    public List<string> Required { get; set; } = [];
    public List<Column> Columns { get; } = [];
    public List<Condition> Conditions { get; } = [];

    /// <summary>Whether the columns were chosen by a person; until then the server maps the header by name.</summary>
    public bool Mapped => Columns.Count > 0;

    /// <summary>The delimiter of a file's first line: the one of , ; tab | that occurs most.</summary>
    public static string GuessDelimiter(string firstLine)
    {
        var best = (Char: ',', Count: 0);
        foreach (var d in ",;\t|")
            if (firstLine.Count(c => c == d) is var n && n > best.Count) best = (d, n);
        return best.Char == '\t' ? "tab" : best.Char.ToString();
    }

    /// <summary>Takes the columns as the server read them (by header name when nothing was mapped yet).</summary>
    public void UseColumns(IEnumerable<ImportPreviewColumn> columns)
    {
        Columns.Clear();
        foreach (var c in columns)
            Columns.Add(new Column
            {
                Number = c.Number ?? 0, Header = c.Header ?? "", Target = c.Field is null or "ignored" ? Ignore : c.Field,
                CustomName = c.CustomName ?? "", CustomType = c.CustomType ?? "string", DeviceType = c.DeviceType ?? "",
            });
    }

    /// <summary>Problems the console can see before asking the server: a field fed twice, a custom column without a name.</summary>
    public Dictionary<int, string> Check()
    {
        var problems = new Dictionary<int, string>();
        foreach (var group in Columns.Where(c => c.Target is not (Ignore or Custom)).GroupBy(c => c.Target).Where(g => g.Count() > 1))
            foreach (var c in group.Skip(1))
                problems[c.Number] = $"{group.Key} is already fed by column {group.First().Number} ({group.First().Header})";
        foreach (var c in Columns.Where(c => c.Target == Custom))
        {
            if (string.IsNullOrWhiteSpace(c.CustomName)) problems[c.Number] = "a custom field needs a name";
            else if (Columns.Any(o => o != c && o.Target == Custom && o.Number < c.Number && o.CustomName == c.CustomName))
                problems[c.Number] = $"custom field \"{c.CustomName}\" is already fed by another column";
        }
        return problems;
    }

    /// <summary>The import spec as JSON, for the multipart "spec" part.</summary>
    public string SpecJson()
    {
        var spec = new JsonObject
        {
            ["format"] = new JsonObject { ["delimiter"] = Delimiter, ["hasHeader"] = HasHeader, ["encoding"] = Encoding },
            ["dedupe"] = Dedupe,
            ["rejectThresholdPercent"] = RejectThresholdPercent,
        };
        if (Columns.Count > 0)
        {
            var columns = new JsonArray();
            foreach (var c in Columns)
            {
                var o = new JsonObject { ["source"] = HasHeader && c.Header.Length > 0 ? JsonValue.Create(c.Header) : JsonValue.Create(c.Number) };
                if (c.Target == Ignore) o["ignore"] = true;
                else
                {
                    o["field"] = c.Target;
                    if (c.Target == Custom) { o["name"] = c.CustomName.Trim(); o["type"] = c.CustomType; }
                    if (c.IsPhone && c.DeviceType.Length > 0) o["deviceType"] = c.DeviceType;
                }
                columns.Add(o);
            }
            spec["columns"] = columns;
        }
        if (DefaultCountry.Trim() is { Length: > 0 } country) spec["defaultCountry"] = country.ToUpperInvariant();
        if (DefaultTimeZone.Trim() is { Length: > 0 } zone) spec["defaultTimeZone"] = zone;
        if (Required.Count > 0) spec["required"] = new JsonArray([.. Required.Select(r => JsonValue.Create(r))]);
        if (Condition.ToJson(Conditions) is { } selection) spec["selection"] = selection;
        return spec.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>The column a server error names, from <c>spec.columns[i]…</c> (i counts the spec's columns, which are ours in order).</summary>
    public Column? ColumnOf(string errorKey)
    {
        const string prefix = "spec.columns[";
        if (!errorKey.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var end = errorKey.IndexOf(']', prefix.Length);
        return end > 0 && int.TryParse(errorKey.AsSpan(prefix.Length, end - prefix.Length), out var i) && i >= 0 && i < Columns.Count ? Columns[i] : null;
    }
}

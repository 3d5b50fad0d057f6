using System.Text.Json;
using System.Text.Json.Serialization;

namespace CxContact.Core.Lists;

/// <summary>
/// Where one field comes from. Source is a header name (string) or a 1-based column number. Field is a standard
/// field name, or "custom" with Name and Type. Ignore drops the column (useful to document a known column).
/// </summary>
public sealed record ColumnMapping
{
    public JsonElement Source { get; init; }
    public string? Field { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    /// <summary>For phone fields: what the file says the device is, used when the number itself cannot tell.</summary>
    public string? DeviceType { get; init; }
    public bool Ignore { get; init; }

    [JsonIgnore] public bool IsCustom => Field == "custom";
    [JsonIgnore] public string? SourceName => Source.ValueKind == JsonValueKind.String ? Source.GetString() : null;
    [JsonIgnore] public int? SourceIndex => Source.ValueKind == JsonValueKind.Number && Source.TryGetInt32(out var i) ? i : null;
    [JsonIgnore] public string Describe => SourceName is { } n ? $"\"{n}\"" : SourceIndex is { } i ? $"column {i}" : "(no source)";
}

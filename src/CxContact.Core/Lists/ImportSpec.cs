namespace CxContact.Core.Lists;

/// <summary>How to read a file into a contact list. Saved with the list, or sent with one import.</summary>
public sealed record ImportSpec
{
    public FileFormat Format { get; init; } = new();
    /// <summary>Empty: map a header row by standard field names (unknown names become custom string fields).</summary>
    public IReadOnlyList<ColumnMapping> Columns { get; init; } = [];
    public string? DefaultCountry { get; init; }
    public string? DefaultTimeZone { get; init; }
    public IReadOnlyList<string> Required { get; init; } = [];
    public SelectionRule? Selection { get; init; }
    public string Dedupe { get; init; } = "none";
    /// <summary>The field that identifies a record in update mode (client_id by default; a standard or custom field).</summary>
    public string? UpdateKey { get; init; }
    /// <summary>Percent of rejected rows above which the import fails and the list stays as it was.</summary>
    public double RejectThresholdPercent { get; init; } = 10;

    public DedupeBy DedupeBy => Dedupe switch { "client_id" => DedupeBy.ClientId, "phone" => DedupeBy.Phone, _ => DedupeBy.None };
}

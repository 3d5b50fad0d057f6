using CxContact.Core.Lists;

namespace CxContact.Core.Suppression;

/// <summary>How to read a file into a suppression list: the contact lists' file format, and which column holds what.</summary>
public sealed record SuppressionImportSpec
{
    public FileFormat Format { get; init; } = new();
    /// <summary>
    /// Null: a header row maps itself by name (phone, email, client_id/clientId, starts_at, expires_at, source; for a
    /// feed also action and area_code/npa).
    /// </summary>
    public SuppressionImportColumns? Columns { get; init; }
    /// <summary>Percent of rejected rows above which the import fails and the list stays as it was.</summary>
    public double RejectThresholdPercent { get; init; } = 10;

    /// <summary>
    /// The feed (compliance data source) the file comes from, e.g. "ftc-dnc" or "tx-dnc": required by the feed modes
    /// (changes, area-codes, full), which add and remove only that feed's holdings.
    /// </summary>
    public string? Feed { get; init; }
    /// <summary>
    /// For a change list without an action column: every row is an "add" or every row a "delete" (registries that
    /// publish additions and deletions as separate files).
    /// </summary>
    public string? Action { get; init; }
    /// <summary>The values of the action column that mean add and delete; null for the usual ones (A/D, add/delete, ...).</summary>
    public SuppressionActionValues? ActionValues { get; init; }
    /// <summary>
    /// For area-codes mode: area codes the file is the complete list for even when it has no row in them (an area
    /// code with no registered number left). The area codes of the file's rows always count.
    /// </summary>
    public List<string>? AreaCodes { get; init; }
    /// <summary>
    /// A full list (area-codes, full) that would remove more than this percent of what the feed held in its scope is
    /// refused and the list left as it was: a truncated download must not lift suppression. 100 accepts any.
    /// </summary>
    public double MaxRemovePercent { get; init; } = 25;
}

/// <summary>The action column's values (compared case-insensitively, trimmed).</summary>
public sealed record SuppressionActionValues
{
    public List<string>? Add { get; init; }
    public List<string>? Delete { get; init; }

    public static readonly IReadOnlyList<string> DefaultAdd = ["A", "ADD", "ADDED", "ADDITION", "I", "INS", "INSERT", "N", "NEW", "+"];
    public static readonly IReadOnlyList<string> DefaultDelete = ["D", "DEL", "DELETE", "DELETED", "DELETION", "R", "REMOVE", "REMOVED", "X", "-"];
}

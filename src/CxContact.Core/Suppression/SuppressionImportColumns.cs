namespace CxContact.Core.Suppression;

/// <summary>
/// Field → the header name that holds it (or, for a file without a header row, its 1-based column number as text).
/// </summary>
public sealed record SuppressionImportColumns
{
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? ClientId { get; init; }
    public string? StartsAt { get; init; }
    public string? ExpiresAt { get; init; }
    public string? Source { get; init; }
    /// <summary>A change list's add/delete column (feed modes).</summary>
    public string? Action { get; init; }
    /// <summary>
    /// The area code, when the number is split in two columns (NPA and the 7-digit number, as the Canadian list and
    /// some FTC downloads are): the phone column then holds the rest of the number.
    /// </summary>
    public string? AreaCode { get; init; }
}

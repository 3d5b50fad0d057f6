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
}

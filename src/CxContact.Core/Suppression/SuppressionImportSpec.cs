using CxContact.Core.Lists;

namespace CxContact.Core.Suppression;

/// <summary>How to read a file into a suppression list: the contact lists' file format, and which column holds what.</summary>
public sealed record SuppressionImportSpec
{
    public FileFormat Format { get; init; } = new();
    /// <summary>Null: a header row maps itself by name (phone, email, client_id/clientId, starts_at, expires_at, source).</summary>
    public SuppressionImportColumns? Columns { get; init; }
    /// <summary>Percent of rejected rows above which the import fails and the list stays as it was.</summary>
    public double RejectThresholdPercent { get; init; } = 10;
}

namespace CxContact.Core.Lists;

/// <summary>
/// A problem with one row: its file row number, the column (header name or "column N"), and the reason. A warning
/// keeps the row (an unusable phone or email is kept as an invalid device); anything else rejects it.
/// </summary>
public readonly record struct RowError(int Row, string Column, string Reason, bool Warning = false)
{
    /// <summary>How the error report and the preview name the two kinds.</summary>
    public string Severity => SeverityOf(Warning);

    public static string SeverityOf(bool warning) => warning ? "warning" : "reject";
}

namespace CxContact.Server.Suppression;

/// <summary>Counters a suppression import updates as it reads; written to suppression_imports as its heartbeat.</summary>
public sealed class SuppressionImportProgress
{
    public long RowsRead;
    public long Accepted;
    public long Rejected;
    /// <summary>Distinct entries written (a row gives one per value column; a value given twice is one entry).</summary>
    public long Entries;
    /// <summary>Entries new to the list; for a feed also removed, kept (another source holds them) and delete rows not on the list.</summary>
    public long Added;
    public long Removed;
    public long Kept;
    public long NotOnList;
}

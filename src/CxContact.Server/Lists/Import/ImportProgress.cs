namespace CxContact.Server.Lists.Import;

/// <summary>Counters an import updates as it reads; written to list_imports as its heartbeat.</summary>
public sealed class ImportProgress
{
    public string Phase = "reading";
    public long RowsRead;
    public long Accepted;
    public long Rejected;
    public long Excluded;
    public long Merged;
    public long BytesRead;
}

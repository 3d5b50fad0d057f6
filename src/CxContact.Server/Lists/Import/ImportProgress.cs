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

    /// <summary>The counters an applied job saved with its records, for closing it when it runs again.</summary>
    public static ImportProgress Of(ImportJob job) => new()
    {
        Phase = "finishing", RowsRead = job.RowsRead, Accepted = job.Accepted, Rejected = job.Rejected, Excluded = job.Excluded,
        Merged = job.Merged, BytesRead = job.BytesRead,
    };
}

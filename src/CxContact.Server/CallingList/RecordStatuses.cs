namespace CxContact.Server.CallingList;

/// <summary>Names of the Genesys record_status values the calling list uses.</summary>
public static class RecordStatuses
{
    public const short Ready = 1;
    public const short Retrieved = 2;
    public const short Updated = 3;
    public const short Cancelled = 5;
    public const short ChainUpdated = 7;

    public static string Name(int status) => status switch
    {
        Ready => "ready",
        Retrieved => "leased",
        Updated => "done",
        Cancelled => "left-out",
        ChainUpdated => "chain-done",
        _ => $"status-{status}",
    };
}

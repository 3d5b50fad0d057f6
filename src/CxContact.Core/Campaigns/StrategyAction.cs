namespace CxContact.Core.Campaigns;

/// <summary>What a contact strategy does after a call result.</summary>
public enum StrategyAction
{
    /// <summary>Call the same device again after a delay, up to a number of retries; then do "then".</summary>
    Retry = 0,
    /// <summary>This device is finished; go on to the contact's next device in the chain.</summary>
    NextDevice = 1,
    /// <summary>The contact is finished: no device of its chain is called again.</summary>
    Done = 2,
    /// <summary>Add the number to suppression, and finish the contact.</summary>
    Suppress = 3,
    /// <summary>Treat this result the way another result is treated.</summary>
    SameAs = 4,
}

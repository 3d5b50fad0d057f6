namespace CxContact.Server.Jobs;

/// <summary>The answer to a queued import (contact or suppression list): its id, its state and where to follow it.</summary>
public sealed record ImportAccepted(Guid Id, string State, string StatusUrl);

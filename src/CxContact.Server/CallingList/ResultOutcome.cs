namespace CxContact.Server.CallingList;

/// <summary>
/// What a result did: the action the contact strategy chose, when the record is dialed next (for a retry), whether
/// the number was added to suppression, and whether this answer replays an earlier identical result.
/// </summary>
public sealed record ResultOutcome(long RecordId, string Result, string Action, DateTimeOffset? NextDialAt, string Explanation,
    Guid? SuppressedIn, bool Replayed);

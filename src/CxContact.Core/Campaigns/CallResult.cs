namespace CxContact.Core.Campaigns;

/// <summary>What became of one dial attempt. Wire names are kebab-case (see <see cref="CallResults"/>).</summary>
public enum CallResult
{
    Answered = 0,
    Busy = 1,
    NoAnswer = 2,
    AnsweringMachine = 3,
    Fax = 4,
    Abandoned = 5,
    InvalidNumber = 6,
    WrongParty = 7,
    WrongNumber = 8,
    DncRequest = 9,
    CallbackRequested = 10,
    Dropped = 11,
    NoDialTone = 12,
    SitDetected = 13,
    AllTrunksBusy = 14,
    Silence = 15,
    GeneralError = 16,
    SystemError = 17,
    /// <summary>A person answered and ended the call (some states forbid calling them again with an autodialer).</summary>
    HungUp = 18,
    /// <summary>A message (SMS or email) was accepted by its gateway: the record is done.</summary>
    MessageSent = 19,
    /// <summary>A message was refused for good (a 5xx from the mail server, a number the SMS gateway rejects).</summary>
    MessageFailed = 20,
}

namespace CxContact.Server.Messaging;

/// <summary>
/// The gateway works but would not take this one message now (an SMTP 4xx for its recipient: a full mailbox,
/// greylisting): it stays queued and goes again when its record is leased again; the campaign goes on.
/// </summary>
public sealed class MessageDeferredException(string message) : Exception(message);

namespace CxContact.Server.Messaging;

/// <summary>
/// One message to hand to a gateway. MessageId is ours, unique, and travels with it (Message-Id, dlr-url). Receipts:
/// whether delivery reports are wanted (an outbox message's are; a reply to a STOP or HELP is not in the outbox).
/// </summary>
public sealed record OutboundMessage(Guid MessageId, string To, string? Subject, string Body, string? Html, string? ListUnsubscribe, bool Receipts = true);

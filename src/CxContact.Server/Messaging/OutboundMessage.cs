namespace CxContact.Server.Messaging;

/// <summary>One message to hand to a gateway. MessageId is ours, unique, and travels with it (Message-Id, dlr-url).</summary>
public sealed record OutboundMessage(Guid MessageId, string To, string? Subject, string Body, string? Html, string? ListUnsubscribe);

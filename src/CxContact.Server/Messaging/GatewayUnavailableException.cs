namespace CxContact.Server.Messaging;

/// <summary>The gateway could not take the message now (down, busy, a 4xx): it was not accepted, and may be sent again.</summary>
public sealed class GatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

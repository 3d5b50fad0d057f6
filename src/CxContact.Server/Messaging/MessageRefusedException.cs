namespace CxContact.Server.Messaging;

/// <summary>The gateway refused the message for good (a 5xx to this address, an invalid number): never retried.</summary>
public sealed class MessageRefusedException(string message) : Exception(message);


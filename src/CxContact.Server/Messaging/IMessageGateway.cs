namespace CxContact.Server.Messaging;

/// <summary>
/// A way out for messages: SMTP and Kannel are the two built and tested here; another provider implements this.
/// SendAsync returns the gateway's own reference, or throws <see cref="GatewayUnavailableException"/> (try again
/// later: nothing was accepted), <see cref="MessageDeferredException"/> (this message later, the others now) or
/// <see cref="MessageRefusedException"/> (refused for good).
/// </summary>
public interface IMessageGateway
{
    Task<string> SendAsync(OutboundMessage message, CancellationToken ct);

    /// <summary>Reaches the gateway and says what answered (for …/test); throws GatewayUnavailableException when it cannot.</summary>
    Task<string> TestAsync(CancellationToken ct);
}

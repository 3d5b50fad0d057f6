namespace CxContact.Server.Messaging;

/// <summary>A gateway as the API shows it: never its credentials; whether a login is set.</summary>
/// <param name="Callbacks">For Kannel: the URLs its smsbox get-url and the per-message dlr-url call (without the secret).</param>
public sealed record MessagingGateway(Guid Id, string Name, string Kind, GatewaySettings Settings, bool HasCredentials,
    MessagingGateway.CallbackUrls? Callbacks, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public sealed record CallbackUrls(string Inbound, string DeliveryReport);
}

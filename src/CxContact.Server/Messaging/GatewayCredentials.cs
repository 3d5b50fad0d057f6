namespace CxContact.Server.Messaging;

/// <summary>
/// What is sealed: the SMTP login or the Kannel sendsms user, and the secret Kannel's callbacks carry back (needed in
/// clear to build each message's dlr-url; checked against its hash on arrival).
/// </summary>
public sealed record GatewayCredentials(string? Username, string? Password, string CallbackSecret);

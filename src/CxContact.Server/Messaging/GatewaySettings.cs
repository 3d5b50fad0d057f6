namespace CxContact.Server.Messaging;

/// <summary>
/// A gateway's settings, by kind (stored as JSON; credentials are sealed apart). smtp: host, port, security
/// ("none", "starttls", "tls"), fromAddress, fromName, and bounceListId (a suppression list that permanent failures
/// are added to). kannel: sendsmsUrl, from (the sender id or number), dlrMask, callbackBaseUrl (how Kannel reaches
/// this API), helpText and optOutReply (the one confirmation a STOP gets).
/// </summary>
public sealed record GatewaySettings
{
    public string? Host { get; init; }
    public int? Port { get; init; }
    public string? Security { get; init; }
    public string? FromAddress { get; init; }
    public string? FromName { get; init; }
    public Guid? BounceListId { get; init; }

    public string? SendsmsUrl { get; init; }
    public string? From { get; init; }
    public int? DlrMask { get; init; }
    public string? CallbackBaseUrl { get; init; }
    public string? HelpText { get; init; }
    public string? OptOutReply { get; init; }
    public string? OptInReply { get; init; }
}

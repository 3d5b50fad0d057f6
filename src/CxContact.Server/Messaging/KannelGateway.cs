using System.Net;
using System.Net.Sockets;
using CxContact.Core.Messaging;

namespace CxContact.Server.Messaging;

/// <summary>
/// SMS through Kannel's smsbox sendsms interface (an HTTP GET). Each message carries its own dlr-url back to this
/// API with our message id and the gateway's callback secret, so delivery reports need no lookup table in Kannel.
/// Kannel answers 202 "0: Accepted for delivery" or "3: Queued for later delivery"; 4xx about the message (a bad
/// number) is a refusal, anything else (a refused connection, 5xx, 403 for a wrong login) means try later.
/// </summary>
public sealed class KannelGateway(HttpClient http, Guid gatewayId, GatewaySettings settings, GatewayCredentials credentials) : IMessageGateway
{
    /// <summary>Delivered (1), failed (2), buffered (4), SMSC accepted (8), SMSC rejected (16): every report Kannel can give.</summary>
    public const int DefaultDlrMask = 31;

    public async Task<string> SendAsync(OutboundMessage m, CancellationToken ct)
    {
        var segments = SmsSegments.Count(m.Body);
        var query = new List<(string, string)>
        {
            ("username", credentials.Username ?? ""), ("password", credentials.Password ?? ""), ("to", m.To), ("text", m.Body),
            ("charset", "UTF-8"), ("coding", segments.Encoding == "gsm-7" ? "0" : "2"),
        };
        if (m.Receipts)
        {
            query.Add(("dlr-mask", (settings.DlrMask ?? DefaultDlrMask).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            query.Add(("dlr-url", DlrUrl(m.MessageId)));
        }
        if (settings.From is { } from) query.Add(("from", from));
        var url = settings.SendsmsUrl + "?" + string.Join('&', query.Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2)}"));
        HttpResponseMessage response;
        try { response = await http.GetAsync(url, ct); }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new GatewayUnavailableException($"Kannel at {Host} did not answer: {e.Message}", e);
        }
        using (response)
        {
            var text = (await response.Content.ReadAsStringAsync(ct)).Trim();
            if (response.IsSuccessStatusCode) return "kannel: " + text;
            // 400: the message itself is wrong (no receiver, a number Kannel refuses); 403 is our login, 503 Kannel busy.
            if (response.StatusCode == HttpStatusCode.BadRequest) throw new MessageRefusedException($"Kannel refused it: {(int)response.StatusCode} {text}");
            throw new GatewayUnavailableException($"Kannel at {Host} answered {(int)response.StatusCode} {text}");
        }
    }

    public async Task<string> TestAsync(CancellationToken ct)
    {
        // A sendsms call without a receiver checks reachability and the login without sending anything: Kannel
        // answers 403 for a wrong login before it looks at the message, and 400 "no receiver" otherwise.
        var url = $"{settings.SendsmsUrl}?username={Uri.EscapeDataString(credentials.Username ?? "")}&password={Uri.EscapeDataString(credentials.Password ?? "")}";
        try
        {
            using var response = await http.GetAsync(url, ct);
            var text = (await response.Content.ReadAsStringAsync(ct)).Trim();
            if (response.StatusCode == HttpStatusCode.Forbidden) throw new GatewayUnavailableException($"Kannel at {Host} refused the login: {text}");
            return $"Kannel at {Host} answered {(int)response.StatusCode}: {text}";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new GatewayUnavailableException($"Kannel at {Host} did not answer: {e.Message}", e);
        }
    }

    /// <summary>Kannel fills %d (the report type), %A (the SMSC's answer), %F (its message id) and %T (the time) in.</summary>
    private string DlrUrl(Guid messageId) =>
        $"{settings.CallbackBaseUrl!.TrimEnd('/')}/api/v1/messaging/gateways/{gatewayId}/kannel/dlr?secret={credentials.CallbackSecret}&id={messageId:N}&type=%d&answer=%A&smsc-id=%F&ts=%T";

    private string Host => Uri.TryCreate(settings.SendsmsUrl, UriKind.Absolute, out var u) ? u.Authority : "(no URL)";
}

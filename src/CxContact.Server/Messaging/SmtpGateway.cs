using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CxContact.Server.Messaging;

/// <summary>
/// Email through an SMTP relay (MailKit). A few connections are kept open and reused, one message at a time on each
/// (SmtpClient is not thread-safe); a dropped connection is reopened on its next send. A 5xx to a recipient is a
/// permanent refusal; a 4xx, a refused connection or a timeout means try later.
/// </summary>
public sealed class SmtpGateway(GatewaySettings settings, GatewayCredentials credentials) : IMessageGateway, IAsyncDisposable
{
    /// <summary>Connections per gateway and silo: relays limit concurrent sessions per client, commonly to 10 or 20.</summary>
    private const int Connections = 4;

    private readonly System.Threading.Channels.Channel<SmtpClient> _idle = CreatePool();

    private static System.Threading.Channels.Channel<SmtpClient> CreatePool()
    {
        var pool = System.Threading.Channels.Channel.CreateBounded<SmtpClient>(Connections);
        for (var i = 0; i < Connections; i++) pool.Writer.TryWrite(new SmtpClient { Timeout = 30_000 });
        return pool;
    }

    public async Task<string> SendAsync(OutboundMessage m, CancellationToken ct)
    {
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(settings.FromName ?? "", settings.FromAddress!));
        mail.To.Add(MailboxAddress.Parse(m.To));
        mail.Subject = m.Subject ?? "";
        var domain = settings.FromAddress!.Split('@')[1];
        // Our id in the Message-Id: a bounce or a reply quotes it, and a resend after a crash carries the same one.
        mail.MessageId = $"{m.MessageId:N}@{domain}";
        if (m.ListUnsubscribe is { } unsubscribe) mail.Headers.Add(HeaderId.ListUnsubscribe, unsubscribe);
        mail.Headers.Add("X-CXC-Message-Id", m.MessageId.ToString());
        var body = new BodyBuilder { TextBody = m.Body, HtmlBody = m.Html };
        mail.Body = body.ToMessageBody();

        var client = await TakeAsync(ct);
        try
        {
            await ConnectAsync(client, ct);
            return await client.SendAsync(mail, ct);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            throw new MessageRefusedException($"the mail server refused it: {(int)e.StatusCode} {e.Message}");
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            throw new MessageDeferredException($"the mail server deferred it: {(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
                                       or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await DropAsync(client);
            throw new GatewayUnavailableException($"the mail server did not take it: {e.Message}", e);
        }
        finally { await ReturnAsync(client); }
    }

    public async Task<string> TestAsync(CancellationToken ct)
    {
        var client = await TakeAsync(ct);
        try
        {
            await ConnectAsync(client, ct);
            await client.NoOpAsync(ct);
            return $"{settings.Host}:{settings.Port} answered (capabilities: {client.Capabilities})";
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or AuthenticationException or TimeoutException)
        {
            await DropAsync(client);
            throw new GatewayUnavailableException($"{settings.Host}:{settings.Port}: {e.Message}", e);
        }
        finally { await ReturnAsync(client); }
    }

    /// <summary>An idle connection; a gateway closed because its settings changed sends nothing more (the message waits for the new one).</summary>
    private async Task<SmtpClient> TakeAsync(CancellationToken ct)
    {
        try { return await _idle.Reader.ReadAsync(ct); }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            throw new GatewayUnavailableException($"the connection to {settings.Host}:{settings.Port} was closed: the gateway was changed or the silo is stopping");
        }
    }

    /// <summary>Back to the pool; a connection that comes back after the gateway was closed is closed too.</summary>
    private async Task ReturnAsync(SmtpClient client)
    {
        if (_idle.Writer.TryWrite(client)) return;
        await DropAsync(client);
        client.Dispose();
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken ct)
    {
        if (client.IsConnected) return;
        var security = settings.Security switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(settings.Host!, settings.Port ?? 25, security, ct);
        if (credentials.Username is { } user) await client.AuthenticateAsync(user, credentials.Password ?? "", ct);
    }

    private static async Task DropAsync(SmtpClient client)
    {
        try { if (client.IsConnected) await client.DisconnectAsync(quit: false); } catch (Exception) { /* already gone */ }
    }

    public async ValueTask DisposeAsync()
    {
        _idle.Writer.TryComplete();
        await foreach (var client in _idle.Reader.ReadAllAsync())
        {
            await DropAsync(client);
            client.Dispose();
        }
    }
}

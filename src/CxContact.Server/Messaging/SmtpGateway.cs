using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CxContact.Server.Messaging;

/// <summary>
/// Email through an SMTP relay (MailKit). One connection is kept open and reused, one message at a time on it
/// (SmtpClient is not thread-safe); a dropped connection is reopened on the next send. A 5xx to a recipient is a
/// permanent refusal; a 4xx, a refused connection or a timeout means try later.
/// </summary>
public sealed class SmtpGateway(GatewaySettings settings, GatewayCredentials credentials) : IMessageGateway, IAsyncDisposable
{
    private readonly SmtpClient _client = new() { Timeout = 30_000 };
    private readonly SemaphoreSlim _one = new(1, 1);

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

        await _one.WaitAsync(ct);
        try
        {
            await ConnectAsync(ct);
            return await _client.SendAsync(mail, ct);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            throw new MessageRefusedException($"the mail server refused it: {(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
                                       or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await DropAsync();
            throw new GatewayUnavailableException($"the mail server did not take it: {e.Message}", e);
        }
        finally { _one.Release(); }
    }

    public async Task<string> TestAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            await ConnectAsync(ct);
            await _client.NoOpAsync(ct);
            return $"{settings.Host}:{settings.Port} answered (capabilities: {_client.Capabilities})";
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or AuthenticationException or TimeoutException)
        {
            await DropAsync();
            throw new GatewayUnavailableException($"{settings.Host}:{settings.Port}: {e.Message}", e);
        }
        finally { _one.Release(); }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        if (_client.IsConnected) return;
        var security = settings.Security switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await _client.ConnectAsync(settings.Host!, settings.Port ?? 25, security, ct);
        if (credentials.Username is { } user) await _client.AuthenticateAsync(user, credentials.Password ?? "", ct);
    }

    private async Task DropAsync()
    {
        try { if (_client.IsConnected) await _client.DisconnectAsync(quit: false); } catch (Exception) { /* already gone */ }
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        _client.Dispose();
        _one.Dispose();
    }
}

using CxContact.Server.Messaging;
using CxContact.Testing.LocalServices;

using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Messaging;

/// <summary>
/// The SMTP gateway's connection pool against a real local MTA. A gateway is closed while others still send on it
/// when its settings change (the sender's workers then reopen it): each send in flight either completes or says the
/// gateway is unavailable (so the message waits queued), and nothing is delivered twice.
/// </summary>
public sealed class SmtpGatewayTests
{
    [Fact]
    public async Task Closing_a_gateway_mid_send_leaves_every_message_sent_once_or_waiting()
    {
        await using var mta = await LocalMta.StartAsync();
        var gateway = new SmtpGateway(new GatewaySettings { Host = "127.0.0.1", Port = mta.Port, Security = "none", FromAddress = "ops@acme.example" },
            new GatewayCredentials(null, null, "unused"));
        var sends = Enumerable.Range(0, 40).Select(async i =>
        {
            await Task.Yield();
            try
            {
                await gateway.SendAsync(new OutboundMessage(Guid.CreateVersion7(), $"r{i}@example.com", "Hi", "Hello", null, null), CancellationToken.None);
                return "sent";
            }
            catch (GatewayUnavailableException) { return "waiting"; }
        }).ToList();
        await Task.Delay(50);
        await gateway.DisposeAsync();
        var outcomes = await Task.WhenAll(sends); // any other exception (the pool's "channel closed") fails the test here

        var delivered = await Eventually.UntilAsync(mta.Delivered, d => d.Count >= outcomes.Count(o => o == "sent"));
        var recipients = delivered.Select(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(recipients.Count, recipients.Distinct().Count());
        Assert.Equal(outcomes.Count(o => o == "sent"), recipients.Count);
        // After the close, a send is refused as "try later", never thrown as something the sender does not expect.
        await Assert.ThrowsAsync<GatewayUnavailableException>(() =>
            gateway.SendAsync(new OutboundMessage(Guid.CreateVersion7(), "late@example.com", "Hi", "Hello", null, null), CancellationToken.None));
    }
}

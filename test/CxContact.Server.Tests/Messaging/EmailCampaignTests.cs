using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Messaging;

/// <summary>
/// An email campaign through a real local MTA: one message per address with our Message-Id and List-Unsubscribe, a
/// permanent 5xx marks the address failed (never retried) and puts it on the gateway's bounce list, a 4xx defers
/// only its own message, and a suppressed address gets nothing.
/// </summary>
public sealed class EmailCampaignTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    private const string Contacts = """
        client_id,first_name,email1,tz
        A,Ann,ann@example.com,America/New_York
        B,Bob,bob@bounce.invalid,America/New_York
        C,Cat,cat@example.com,America/New_York
        D,Dan,dan@example.com,America/New_York
        E,Eve,eve@tempfail.invalid,America/New_York
        """;

    [Fact]
    public async Task Each_address_gets_one_message_and_a_hard_bounce_is_marked_and_suppressed()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        await using var mta = await LocalMta.StartAsync();
        var bounces = await c.Suppression.CreateListAsync(new { name = "Bounces" });
        var gateway = await HttpAssert.Json(await c.Http.PostJson("/api/v1/messaging-gateways", new
        {
            name = "Relay", kind = "smtp",
            settings = new { host = "127.0.0.1", port = mta.Port, security = "none", fromAddress = "news@acme.example", fromName = "Acme", bounceListId = bounces },
        }), HttpStatusCode.Created);
        var gatewayId = gateway.GetProperty("gateway").GetProperty("id").GetGuid();
        Assert.True((await HttpAssert.Json(await c.Http.PostAsync($"/api/v1/messaging-gateways/{gatewayId}/test", null), HttpStatusCode.OK)).GetProperty("ok").GetBoolean());

        var template = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
        {
            name = "News", channel = "email", purpose = "informational", subject = "News for {{ first_name }}",
            body = "Hello {{ first_name }}, here is the news.", html = "<p>Hello <b>{{ first_name }}</b></p>",
        }), HttpStatusCode.Created);
        var list = await c.ListAsync(0, Contacts);
        var optedOut = await c.Suppression.CreateListAsync(new { name = "Unsubscribed" });
        await c.Suppression.AddAsync(optedOut, new { type = "email", value = "dan@example.com" });
        var id = await c.CreateAsync(new
        {
            name = "Email " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, channel = "email",
            templateId = template.GetProperty("id").GetGuid(), gatewayId, suppressionLists = new[] { optedOut },
        });
        await c.StartAsync(id);

        var stats = await Eventually.UntilAsync(() => c.MessageStatsAsync(id),
            s => s.GetProperty("sent").GetInt64() + s.GetProperty("failed").GetInt64() == 3 && s.GetProperty("queued").GetInt64() == 1);
        Assert.True(stats.GetProperty("sent").GetInt64() == 2 && stats.GetProperty("failed").GetInt64() == 1, $"{stats} {await c.ReportAsync(id)} {await c.WhyAsync(id, await c.ContactIdAsync(list, "A"))}");
        var mail = mta.Delivered();
        Assert.Equal(["ann@example.com", "cat@example.com"], mail.Select(m => m.To.Mailboxes.Single().Address).Order());
        var ann = mail.Single(m => m.To.Mailboxes.Single().Address == "ann@example.com");
        Assert.Equal(("News for Ann", "Hello Ann, here is the news."), (ann.Subject, ann.TextBody?.Trim()));
        Assert.Contains("<b>Ann</b>", ann.HtmlBody);
        var history = await c.MessagesAsync(await c.ContactIdAsync(list, "A"));
        var messageId = history.EnumerateArray().Single().GetProperty("id").GetGuid();
        Assert.Equal($"{messageId:N}@acme.example", ann.MessageId);
        Assert.StartsWith("<mailto:news@acme.example?subject=unsubscribe", ann.Headers[MimeKit.HeaderId.ListUnsubscribe]);

        // The bounce: failed with the server's reason, the record done, the address on the bounce list.
        var bob = (await c.MessagesAsync(await c.ContactIdAsync(list, "B")))
            .EnumerateArray().Single();
        Assert.Equal("failed", bob.GetProperty("state").GetString());
        Assert.Contains("550", bob.GetProperty("error").GetString());
        Assert.True(await c.Suppression.SuppressedAsync(bounces, "email=bob%40bounce.invalid"));
        var report = await c.ReportAsync(id);
        Assert.Equal(1, report.GetProperty("reasons").GetProperty("suppressed-email").GetInt64());
        // A 451 for one recipient defers that message only: it waits, queued, and the others went.
        var eve = (await c.MessagesAsync(await c.ContactIdAsync(list, "E")))
            .EnumerateArray().Single();
        Assert.Equal("queued", eve.GetProperty("state").GetString());
        Assert.Contains("451", eve.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("gatewayStatus").ValueKind);
        Assert.Equal(2, mta.Delivered().Count);
    }
}

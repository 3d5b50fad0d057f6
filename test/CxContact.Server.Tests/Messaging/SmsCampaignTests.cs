using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Messaging;

/// <summary>
/// An SMS campaign end to end through a real Kannel (fakesmsc as the network): messages rendered per contact and
/// handed over once each, delivery reports moving them to delivered, STOP, START and HELP from the phone, and callbacks
/// with a wrong secret or a bad body refused without changing anything.
/// </summary>
public sealed class SmsCampaignTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    private const string Contacts = """
        client_id,first_name,phone1,tz,consent_autodial_mobile
        A,Ann,+12125550101,America/New_York,yes
        B,Bob,+12125550102,America/New_York,yes
        C,Cat,+12125550103,America/New_York,yes
        """;

    [Fact]
    public async Task Messages_go_out_once_are_delivered_and_stop_start_and_help_work_from_the_phone()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        await using var kannel = LocalKannel.Reserve();
        var gateway = await HttpAssert.Json(await c.Http.PostJson("/api/v1/messaging-gateways", new
        {
            name = "Kannel", kind = "kannel", username = LocalKannel.Username, password = LocalKannel.Password,
            settings = new { sendsmsUrl = kannel.SendsmsUrl, from = "12345", callbackBaseUrl = f.Api.BaseAddress.ToString(), helpText = "Acme: call 800-555-0100." },
        }), HttpStatusCode.Created);
        var gatewayId = gateway.GetProperty("gateway").GetProperty("id").GetGuid();
        var inbound = gateway.GetProperty("callbackUrls").GetProperty("inbound").GetString()!;
        Assert.DoesNotContain("password", gateway.GetProperty("gateway").ToString(), StringComparison.OrdinalIgnoreCase);
        await kannel.StartAsync(inbound);
        var test = await HttpAssert.Json(await c.Http.PostAsync($"/api/v1/messaging-gateways/{gatewayId}/test", null), HttpStatusCode.OK);
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());

        var template = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
        {
            name = "Renewal", channel = "sms", purpose = "sales", body = "Hi {{ first_name }}, your plan renews soon. Reply STOP to opt out.",
        }), HttpStatusCode.Created);
        var list = await c.ListAsync(0, Contacts);
        var dnc = await c.Suppression.CreateListAsync(new { name = "SMS opt-outs" });
        var other = await c.Suppression.CreateListAsync(new { name = "Registry" });
        await c.Suppression.AddAsync(other, new { type = "phone", value = "+12125550199" });
        var id = await c.CreateAsync(new
        {
            name = "SMS " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, channel = "sms",
            templateId = template.GetProperty("id").GetGuid(), gatewayId, dncList = dnc, suppressionLists = new[] { other }, messagesPerSecond = 50,
        });
        var created = await c.GetAsync(id);
        Assert.Equal(("sms", "sales"), (created.GetProperty("channel").GetString(), created.GetProperty("purpose").GetString()));
        // A dialer cannot lease an SMS campaign's records.
        await c.StartAsync(id);
        await HttpAssert.Problem(await c.Dialer.PostJson($"/api/v1/campaigns/{id}/leases", new { count = 5 }), HttpStatusCode.Conflict);

        var received = await Eventually.UntilAsync(() => kannel.Received(), r => r.Count >= 3);
        Assert.True(received.Count == 3, $"received {received.Count}; why {await c.WhyAsync(id, await c.ContactIdAsync(list, "A"))}; stats {await c.MessageStatsAsync(id)}; campaign {await c.GetAsync(id)}");
        Assert.Contains(received, m => m is { To: "+12125550101", From: "12345" } && m.Text == "Hi Ann, your plan renews soon. Reply STOP to opt out.");
        Assert.Equal(3, received.Select(m => m.To).Distinct().Count());

        var stats = await Eventually.UntilAsync(() => c.MessageStatsAsync(id), s => s.GetProperty("delivered").GetInt64() == 3);
        Assert.Equal((3, 0, 0), (stats.GetProperty("sent").GetInt64(), stats.GetProperty("failed").GetInt64(), stats.GetProperty("queued").GetInt64()));
        var ann = await c.ContactIdAsync(list, "A");
        var history = await c.MessagesAsync(ann);
        var message = history.EnumerateArray().Single();
        // The receipts (8: the SMSC took it, 1: delivered) can overtake the gateway's own 202: the final state stays.
        var states = message.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("state").GetString()).ToList();
        Assert.Equal(["queued", "sending"], states.Take(2));
        Assert.Equal(["delivered", "sent"], states.Skip(2).Distinct().Order());
        Assert.Equal("delivered", message.GetProperty("state").GetString());
        Assert.Equal("completed", (await Eventually.UntilAsync(() => c.GetAsync(id), x => x.GetProperty("state").GetString() == "completed")).GetProperty("state").GetString());

        // STOP, in any case and with spaces: on the campaign's DNC list at once, and one confirmation.
        await kannel.SendFromPhoneAsync("+12125550101", "12345", "  sToP ");
        Assert.True(await Eventually.UntilAsync(() => c.Suppression.PhoneSuppressedAsync(dnc, "+12125550101"), x => x));
        var confirmations = await Eventually.UntilAsync(() => kannel.Received().Where(m => m.To == "+12125550101" && m.Text.Contains("unsubscribed")).ToList(), x => x.Count > 0);
        Assert.Single(confirmations);
        Assert.Equal(1, (await Eventually.UntilAsync(() => c.MessageStatsAsync(id), s => s.GetProperty("optedOut").GetInt64() == 1)).GetProperty("optedOut").GetInt64());

        // The campaign's live stats, and their event stream, carry the same counts.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/campaigns/{id}/stats/stream"))
        using (var response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
        {
            Assert.Equal("event: stats", await reader.ReadLineAsync());
            var messages = JsonDocument.Parse((await reader.ReadLineAsync())!["data: ".Length..]).RootElement.GetProperty("messages");
            Assert.Equal((3, 3, 1), (messages.GetProperty("sent").GetInt64(), messages.GetProperty("delivered").GetInt64(), messages.GetProperty("optedOut").GetInt64()));
        }

        // HELP answers the gateway's help text; START takes the number off the list STOP put it on, and only that one.
        await kannel.SendFromPhoneAsync("+12125550102", "12345", "help");
        await Eventually.UntilAsync(() => kannel.Received().Where(m => m.To == "+12125550102" && m.Text == "Acme: call 800-555-0100.").ToList(), x => x.Count == 1);
        await c.Suppression.AddAsync(other, new { type = "phone", value = "+12125550101" });
        await kannel.SendFromPhoneAsync("+12125550101", "12345", "START");
        Assert.False(await Eventually.UntilAsync(() => c.Suppression.PhoneSuppressedAsync(dnc, "+12125550101"), x => !x));
        Assert.True(await c.Suppression.PhoneSuppressedAsync(other, "+12125550101"));

        // Callbacks that are not Kannel's: refused, and nothing changes.
        var dlr = new Uri(gateway.GetProperty("callbackUrls").GetProperty("deliveryReport").GetString()!);
        var anon = new HttpClient { BaseAddress = f.Api.BaseAddress };
        var messageId = history.EnumerateArray().Single().GetProperty("id").GetGuid().ToString("N");
        await HttpAssert.Problem(await anon.GetAsync($"{dlr.AbsolutePath}?secret=wrong&id={messageId}&type=2"), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await anon.GetAsync($"{dlr.PathAndQuery}&id=not-an-id&type=2"), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await anon.GetAsync($"{dlr.PathAndQuery}&id={messageId}&type=3"), HttpStatusCode.BadRequest);
        await HttpAssert.Problem(await anon.GetAsync($"{new Uri(inbound).AbsolutePath}?secret=wrong&from=%2B12125550103&text=STOP"), HttpStatusCode.BadRequest);
        Assert.False(await c.Suppression.PhoneSuppressedAsync(dnc, "+12125550103"));
        Assert.Equal("delivered", (await c.MessagesAsync(ann)).EnumerateArray().Single().GetProperty("state").GetString());

        // Across a restart every message and its history read back the same.
        var before = (await c.MessagesAsync(ann)).ToString();
        var keys = c.Keys;
        await f.Api.RestartAsync();
        var after = await HttpAssert.Json(await f.Api.Client(keys.Admin).GetAsync($"/api/v1/contacts/{ann}/messages"), HttpStatusCode.OK);
        Assert.Equal(before, after.ToString());
    }
}

using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Messaging;

/// <summary>
/// A gateway that does not answer: the messages wait in the outbox, the campaign's stats say so, and when the gateway
/// comes back every contact gets its message once.
/// </summary>
public sealed class GatewayOutageTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    [Fact]
    public async Task Messages_wait_for_a_gateway_that_is_down_and_go_once_when_it_returns()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        await using var kannel = LocalKannel.Reserve(); // its port is chosen, nothing listens on it yet
        var gateway = await HttpAssert.Json(await c.Http.PostJson("/api/v1/messaging-gateways", new
        {
            name = "Kannel", kind = "kannel", username = LocalKannel.Username, password = LocalKannel.Password,
            settings = new { sendsmsUrl = kannel.SendsmsUrl, from = "12345", callbackBaseUrl = f.Api.BaseAddress.ToString() },
        }), HttpStatusCode.Created);
        var gatewayId = gateway.GetProperty("gateway").GetProperty("id").GetGuid();
        await HttpAssert.Problem(await c.Http.PostAsync($"/api/v1/messaging-gateways/{gatewayId}/test", null), HttpStatusCode.BadGateway);

        var template = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
        {
            name = "Notice", channel = "sms", purpose = "informational", body = "Hi {{ first_name }}, your order has shipped.",
        }), HttpStatusCode.Created);
        var csv = "client_id,first_name,phone1,tz\n" + string.Concat(Enumerable.Range(1, 5).Select(i => $"C{i},N{i},+1212555{i:0000},America/New_York\n"));
        var list = await c.ListAsync(0, csv);
        var id = await c.CreateAsync(new
        {
            name = "Outage " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, channel = "sms",
            templateId = template.GetProperty("id").GetGuid(), gatewayId, leaseSeconds = 10,
        });
        await c.StartAsync(id);

        var down = await Eventually.UntilAsync(() => c.MessageStatsAsync(id), s => s.GetProperty("gatewayStatus").ValueKind == JsonValueKind.String);
        Assert.StartsWith("gateway unavailable", down.GetProperty("gatewayStatus").GetString());
        Assert.Equal(0, down.GetProperty("sent").GetInt64());
        Assert.True(down.GetProperty("queued").GetInt64() > 0, down.ToString());
        // The tenant's alerts name the gateway while it is down.
        var alert = Assert.Single((await HttpAssert.Json(await c.Http.GetAsync("/api/v1/alerts"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(("gateway-unavailable", gatewayId.ToString()), (alert.GetProperty("kind").GetString(), alert.GetProperty("subject").GetString()));

        // Back: once the leases run out the records come again, each with its queued message, sent once.
        await kannel.StartAsync(gateway.GetProperty("callbackUrls").GetProperty("inbound").GetString()!);
        var up = await Eventually.UntilAsync(() => c.MessageStatsAsync(id), s => s.GetProperty("sent").GetInt64() == 5);
        Assert.True(up.GetProperty("sent").GetInt64() == 5 && up.GetProperty("gatewayStatus").ValueKind == JsonValueKind.Null, up.ToString());
        Assert.Equal(0, (await HttpAssert.Json(await c.Http.GetAsync("/api/v1/alerts"), HttpStatusCode.OK)).GetArrayLength());
        var received = await Eventually.UntilAsync(() => kannel.Received(), r => r.Count >= 5);
        Assert.Equal(5, received.Count);
        Assert.Equal(5, received.Select(m => m.To).Distinct().Count());
        var history = await c.MessagesAsync(await c.ContactIdAsync(list, "C1"));
        var message = history.EnumerateArray().Single();
        Assert.Contains("queued", message.GetProperty("history").EnumerateArray().Skip(2).Select(e => e.GetProperty("state").GetString()));
    }
}

using System.Net;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Messaging;

/// <summary>
/// The only messaging silo is killed (SIGKILL, no shutdown) while it has leases in flight. A new messaging silo joins;
/// once the dead silo's leases run out it sends what was left. Every contact gets its text exactly once: a text the
/// dead silo handed to Kannel is known from its outbox row and its receipts, and is not sent again.
/// </summary>
[Collection("restricted roles")]
public sealed class MessagingSiloKillTests
{
    private const int Contacts = 1_500;

    [Fact]
    public async Task A_messaging_silo_killed_mid_send_sends_nothing_twice_and_the_next_one_finishes()
    {
        var cluster = "msgkill-" + Guid.NewGuid().ToString("N");
        var redisPrefix = LocalRedis.NewPrefix("msgkill");
        // This silo serves the API and receives Kannel's callbacks; it sends nothing itself.
        var api = new ApiFactory().With("CXC_ROLES", "api,compliance,campaign,scheduler").With("CXC_CLUSTER_ID", cluster).With("CXC_SERVICE_ID", cluster)
            .With("CXC_REDIS_PREFIX", redisPrefix);
        await api.InitializeAsync();
        await using var kannel = LocalKannel.Reserve();
        ServerProcess? doomed = null, next = null;
        try
        {
            doomed = await MessagingSiloAsync(api, cluster, redisPrefix);
            var c = await CampaignClient.NewTenantAsync(api);
            var gateway = await HttpAssert.Json(await c.Http.PostJson("/api/v1/messaging-gateways", new
            {
                name = "Kannel", kind = "kannel", username = LocalKannel.Username, password = LocalKannel.Password,
                settings = new { sendsmsUrl = kannel.SendsmsUrl, from = "12345", callbackBaseUrl = api.BaseAddress.ToString() },
            }), HttpStatusCode.Created);
            await kannel.StartAsync(gateway.GetProperty("callbackUrls").GetProperty("inbound").GetString()!);
            var template = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
            {
                name = "Notice", channel = "sms", purpose = "informational", body = "Your order {{ client_id }} has shipped.",
            }), HttpStatusCode.Created);
            // Berlin: no calling-hour rules in the default set, so the texts may go whenever the test runs.
            var list = await c.ListAsync(0, CampaignClient.BerlinCsv(Contacts));
            var id = await c.CreateAsync(new
            {
                name = "Kill " + Guid.NewGuid().ToString("N")[..6], contactLists = new[] { new { id = list, weight = 1 } }, channel = "sms",
                templateId = template.GetProperty("id").GetGuid(), gatewayId = gateway.GetProperty("gateway").GetProperty("id").GetGuid(),
                messagesPerSecond = 150, leaseSeconds = 10,
            });
            await c.StartAsync(id);

            await Eventually.UntilAsync(() => kannel.Received(), r => r.Count >= Contacts / 3, TimeSpan.FromSeconds(60));
            doomed.Kill();
            var atKill = kannel.Received().Count;
            Assert.True(atKill < Contacts, $"every text was sent before the kill ({atKill}); send more or slower");

            next = await MessagingSiloAsync(api, cluster, redisPrefix);
            var received = await Eventually.UntilAsync(() => kannel.Received(), r => r.Count >= Contacts, TimeSpan.FromSeconds(120));
            var stats = await Eventually.UntilAsync(() => c.MessageStatsAsync(id),
                s => s.GetProperty("delivered").GetInt64() == Contacts, TimeSpan.FromSeconds(60));
            // Let any late duplicate arrive before counting.
            await Task.Delay(TimeSpan.FromSeconds(2));
            received = kannel.Received();
            var twice = received.GroupBy(m => m.To).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} numbers got two texts, e.g. {string.Join(", ", twice.Take(5))}; {atKill} were sent at the kill");
            Assert.Equal(Contacts, received.Count);
            Assert.Equal((Contacts, 0L, 0L), (stats.GetProperty("sent").GetInt64(), stats.GetProperty("failed").GetInt64(), stats.GetProperty("queued").GetInt64()));
        }
        finally
        {
            if (doomed is not null) await doomed.DisposeAsync();
            if (next is not null) await next.DisposeAsync();
            await api.DisposeAsync();
        }
    }

    /// <summary>A messaging-only silo, its own process, in the API silo's cluster.</summary>
    private static async Task<ServerProcess> MessagingSiloAsync(ApiFactory api, string cluster, string redisPrefix)
    {
        var url = $"http://127.0.0.1:{LocalProcess.FreePort()}";
        var silo = ServerProcess.Start(new Dictionary<string, string>
        {
            ["CXC_POSTGRES"] = api.Postgres, ["CXC_REDIS"] = LocalRedis.ConfigurationString, ["CXC_REDIS_PREFIX"] = redisPrefix, ["CXC_CLUSTER_ID"] = cluster, ["CXC_SERVICE_ID"] = cluster,
            ["CXC_ROLES"] = "messaging", ["ASPNETCORE_URLS"] = url,
            ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(), ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
        });
        await silo.WaitForAsync(url + "/health/ready", _ => true, TimeSpan.FromSeconds(120));
        return silo;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CxContact.Core.Tenancy;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Redis keeps no cluster state: two server processes stay one cluster, and keep serving, through a FLUSHALL and a
/// Redis that comes back empty; afterwards a SIGTERM still stops a silo promptly. Uses a Redis of its own.
/// </summary>
public sealed class ClusterRedisLossTests
{
    /// <summary>What the Redis membership provider logged, every 30 s, once its table was gone.</summary>
    private const string RedisMembershipNoise = "membership table version is missing";

    [Fact]
    public async Task Two_processes_stay_one_cluster_through_an_emptied_redis_and_a_graceful_stop_is_prompt()
    {
        using var redis = PrivateRedis.Start();
        var postgres = await LocalPostgres.CreateDatabaseAsync("cluster_redis");
        var cluster = "redisloss-" + Guid.NewGuid().ToString("N");
        var adminKey = ApiKeySecret.Generate();
        Dictionary<string, string> Env() => new()
        {
            ["CXC_POSTGRES"] = postgres,
            ["CXC_REDIS"] = redis.ConfigurationString,
            ["CXC_CLUSTER_ID"] = cluster,
            ["CXC_SERVICE_ID"] = cluster,
            ["CXC_BOOTSTRAP_ADMIN_KEY"] = adminKey,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}",
            ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(),
            ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
        };
        // A serves the API and hosts no role-bound grains, so a compliance decision asked of A is made on B.
        var (envA, envB) = (Env(), Env());
        envA["CXC_ROLES"] = "api";
        envB["CXC_ROLES"] = "compliance,campaign";
        var (readyA, readyB) = (envA["ASPNETCORE_URLS"] + "/health/ready", envB["ASPNETCORE_URLS"] + "/health/ready");

        await using var a = ServerProcess.Start(envA);
        await using var b = ServerProcess.Start(envB);
        await a.WaitForAsync(readyA, body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(120));
        await b.WaitForAsync(readyB, body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(120));

        var api = envA["ASPNETCORE_URLS"];
        using var admin = Client(api, adminKey);
        var (tenantId, tenantKey) = await CreateTenantAsync(api, admin, "Before the flush");
        using var tenant = Client(api, tenantKey);
        await AllowedAsync(tenant, a);

        // Watched for 40 s, past the silos' 30 s IAmAlive period: each one writes its own entry in that time (the Redis
        // membership provider failed there, and said so, every 30 s) and probes the other.
        redis.Flush();
        var seen = await SiloDetailsAsync([readyA, readyB], TimeSpan.FromSeconds(12));
        redis.RestartEmpty();
        seen.AddRange(await SiloDetailsAsync([readyA, readyB], TimeSpan.FromSeconds(28)));
        Assert.All(seen, detail => Assert.Contains("2 active silo(s)", detail));

        // Readiness (which includes Redis) comes back by itself.
        await a.WaitForAsync(readyA, body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(90));
        await b.WaitForAsync(readyB, body => body.Contains("2 active silo(s)"), TimeSpan.FromSeconds(90));
        // Grain state survived (it is in PostgreSQL), new grains activate, and B still decides for A.
        var again = await HttpAssert.Json(await tenant.GetAsync($"/api/v1/tenants/{tenantId}"), HttpStatusCode.OK);
        Assert.Equal("Before the flush", again.GetProperty("tenant").GetProperty("name").GetString());
        await CreateTenantAsync(api, admin, "After the flush");
        await AllowedAsync(tenant, a);

        // B leaves the way a pod does: SIGTERM, then it must update its own entry and exit on its own.
        var stopping = Stopwatch.StartNew();
        b.Terminate();
        int exitCode;
        try { exitCode = await b.WaitForExitAsync(TimeSpan.FromSeconds(30)); }
        catch (OperationCanceledException) { throw new TimeoutException($"B did not exit within 30 s of SIGTERM:\n{b.Output}"); }
        Assert.True(exitCode == 0, $"B exited with {exitCode} after {stopping.Elapsed}:\n{b.Output}");
        await a.WaitForAsync(readyA, body => body.Contains("1 active silo(s)"), TimeSpan.FromSeconds(60));
        Assert.False(a.HasExited);

        Assert.DoesNotContain(RedisMembershipNoise, a.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(RedisMembershipNoise, b.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static HttpClient Client(string baseUrl, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>Creates a tenant and reads it back with its own key: two calls to the tenant's grain.</summary>
    private static async Task<(Guid Id, string Key)> CreateTenantAsync(string api, HttpClient admin, string name)
    {
        var created = await HttpAssert.Json(await admin.PostJson("/api/v1/tenants", new { name }), HttpStatusCode.Created);
        var id = created.GetProperty("tenant").GetProperty("id").GetGuid();
        var key = created.GetProperty("adminKey").GetProperty("key").GetString()!;
        using var own = Client(api, key);
        var read = await HttpAssert.Json(await own.GetAsync($"/api/v1/tenants/{id}"), HttpStatusCode.OK);
        Assert.Equal(name, read.GetProperty("tenant").GetProperty("name").GetString());
        Assert.True(read.TryGetProperty("settings", out _), read.ToString());
        return (id, key);
    }

    /// <summary>
    /// A decision made by the compliance grain on B; until the emptied suppression index is rebuilt it fails closed,
    /// so this waits for "allow".
    /// </summary>
    private static async Task AllowedAsync(HttpClient tenant, ServerProcess a)
    {
        var request = new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T20:00:00Z" };
        static bool Allowed((bool Ok, string Body) answer) => answer.Ok && JsonDocument.Parse(answer.Body).RootElement.GetProperty("decision").GetString() == "allow";
        var last = await Eventually.UntilAsync(async () =>
        {
            var response = await tenant.PostJson("/api/v1/compliance/validate", request);
            return (Ok: response.IsSuccessStatusCode, Body: await response.Content.ReadAsStringAsync());
        }, Allowed, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.True(Allowed(last), $"no \"allow\" within 60 s; last answer: {last.Body}\n{a.Output}");
    }

    /// <summary>
    /// The silo check's detail on each server, sampled for a while whatever the overall status (readiness is red
    /// while Redis is down, but the silo check is reported all the same).
    /// </summary>
    private static async Task<List<string>> SiloDetailsAsync(string[] urls, TimeSpan duration)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var seen = new List<string>();
        var until = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < until)
        {
            foreach (var url in urls)
            {
                var body = await (await http.GetAsync(url)).Content.ReadAsStringAsync();
                var silo = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("silo");
                seen.Add($"{url}: {silo.GetProperty("status").GetString()} {silo.GetProperty("detail").GetString()}");
            }
            await Task.Delay(500);
        }
        return seen;
    }
}

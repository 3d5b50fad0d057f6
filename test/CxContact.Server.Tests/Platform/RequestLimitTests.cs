using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Fair sharing: a key over its rate gets 429 with Retry-After and problem details; another key of the same tenant is
/// held by the tenant's bucket; another tenant is not affected. /me shows the limits.
/// </summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new ApiFactory().With("CXC_REQUESTS_PER_SECOND_PER_KEY", "5").With("CXC_REQUESTS_PER_SECOND_PER_TENANT", "8");

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<HttpClient> TenantAsync()
    {
        var t = await HttpAssert.Json(await _api.Admin().PostJson("/api/v1/tenants", new { name = "Limits " + Guid.NewGuid().ToString("N")[..6] }), HttpStatusCode.Created);
        return _api.Client(t.GetProperty("adminKey").GetProperty("key").GetString()!);
    }

    /// <summary>n requests at once: a burst the buckets cannot refill under, however slow the machine answers.</summary>
    private static async Task<HttpResponseMessage[]> BurstAsync(HttpClient http, int n) =>
        await Task.WhenAll(Enumerable.Range(0, n).Select(_ => http.GetAsync("/api/v1/me")));

    private static async Task<List<HttpResponseMessage>> OneByOneAsync(HttpClient http, int n)
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < n; i++) answers.Add(await http.GetAsync("/api/v1/me"));
        return answers;
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_its_tenant_is_held_and_other_tenants_are_not()
    {
        var a = await TenantAsync();
        var b = await TenantAsync();
        var me = await HttpAssert.Json(await b.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal((5, 8), (me.GetProperty("limits").GetProperty("requestsPerSecondPerKey").GetInt32(), me.GetProperty("limits").GetProperty("requestsPerSecondPerTenant").GetInt32()));
        var second = await HttpAssert.Json(await a.PostJson("/api/v1/api-keys", new { name = "second", role = "viewer" }), HttpStatusCode.Created);
        var a2 = _api.Client(second.GetProperty("key").GetString()!);

        var first = await BurstAsync(a, 30);
        var refused = first.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.True(int.Parse(refused[0].Headers.GetValues("Retry-After").Single()) >= 1);
        var problem = await HttpAssert.Problem(refused[0], HttpStatusCode.TooManyRequests);
        Assert.Contains("5 requests a second", problem.GetProperty("detail").GetString());

        // The same tenant's other key has a full bucket of its own, but the tenant's is nearly spent.
        Assert.Contains((await BurstAsync(a2, 10)).Select(r => r.StatusCode), s => s == HttpStatusCode.TooManyRequests);
        // Another tenant is not affected.
        Assert.All(await OneByOneAsync(b, 5), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task Ten_thousand_requests_from_one_key_as_fast_as_they_go_get_clear_refusals_and_another_tenant_is_served_throughout()
    {
        var flooder = await TenantAsync();
        var bystander = await TenantAsync();
        long ok = 0, refused = 0, next = -1;
        var odd = new System.Collections.Concurrent.ConcurrentBag<string>();
        var flood = Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < 10_000)
            {
                using var r = await flooder.GetAsync("/api/v1/me");
                if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                else if (r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)
                         && r.Content.Headers.ContentType?.MediaType == "application/problem+json")
                    Interlocked.Increment(ref refused);
                else odd.Add($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            }
        }));
        // The other tenant keeps calling while the flood lasts, and is never refused.
        var bystanderAnswers = new List<HttpStatusCode>();
        while (!flood.IsCompleted)
        {
            bystanderAnswers.Add((await bystander.GetAsync("/api/v1/me")).StatusCode);
            await Task.Delay(200);
        }
        await flood;
        Assert.Empty(odd);
        Assert.Equal(10_000, ok + refused);
        Assert.True(refused > 9_000, $"only {refused} of 10,000 refused at 5 a second");
        Assert.NotEmpty(bystanderAnswers);
        Assert.All(bystanderAnswers, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_slow_loris_upload_is_cut_off_and_other_callers_are_served_meanwhile()
    {
        var c = new Lists.ListClient(await TenantAsync());
        var key = c.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var list = await c.CreateListAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_api.BaseAddress.Host, _api.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/contact-lists/{list}/imports HTTP/1.1\r\nHost: {_api.BaseAddress.Authority}\r\nAuthorization: Bearer {key}\r\n" +
                   "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cutOff = false;
        // One byte every half second: far below the server's minimum body rate (240 bytes a second after a 5 s grace).
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await stream.WriteAsync("9"u8.ToArray());
                if (tcp.Client.Poll(0, System.Net.Sockets.SelectMode.SelectRead) && (tcp.Available == 0 || await ReadsAnswerAsync(stream))) { cutOff = true; break; }
            }
            catch (IOException) { cutOff = true; break; }
            await Task.Delay(500);
        }
        Assert.True(cutOff, $"the dribbling upload was still open after {clock.Elapsed.TotalSeconds:F0} s");
        Assert.InRange(clock.Elapsed.TotalSeconds, 4, 20);
        Assert.Equal(HttpStatusCode.OK, (await c.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    private static async Task<bool> ReadsAnswerAsync(System.Net.Sockets.NetworkStream stream)
    {
        var buffer = new byte[512];
        var n = await stream.ReadAsync(buffer);
        return n == 0 || System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("HTTP/1.1 4", StringComparison.Ordinal);
    }
}

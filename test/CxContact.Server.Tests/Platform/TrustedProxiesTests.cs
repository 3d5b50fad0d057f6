using CxContact.Server.Platform.Hosting;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// X-Forwarded-Proto is believed from the proxies in CXC_TRUSTED_PROXIES only. What it changes is seen over real HTTP:
/// a request that reached the proxy over HTTPS gets Strict-Transport-Security, one over HTTP does not, and the same
/// header from an address that is not a trusted proxy changes nothing.
/// </summary>
public sealed class TrustedProxiesTests : IAsyncLifetime
{
    // The tests' client connects over loopback: here loopback is the proxy, trusted by one server and not the other.
    private readonly ApiFactory _trusting = new ApiFactory().With("CXC_TRUSTED_PROXIES", "127.0.0.0/8, ::1");
    private readonly ApiFactory _distrusting = new ApiFactory().With("CXC_TRUSTED_PROXIES", "10.0.0.0/8");

    public async Task InitializeAsync()
    {
        await _trusting.InitializeAsync();
        await _distrusting.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _trusting.DisposeAsync();
        await _distrusting.DisposeAsync();
    }

    [Fact]
    public async Task A_trusted_proxys_forwarded_https_is_the_requests_scheme()
    {
        Assert.Equal("max-age=31536000", Hsts(await GetAsync(_trusting, "https")));
        Assert.Null(Hsts(await GetAsync(_trusting, "http")));
        Assert.Null(Hsts(await GetAsync(_trusting, null)));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_address_are_ignored()
    {
        Assert.Null(Hsts(await GetAsync(_distrusting, "https")));
    }

    [Theory]
    [InlineData("10.0.0.0/8,192.168.1.7", 2)]
    [InlineData(" fd00::/8 ", 1)]
    public void The_setting_takes_networks_and_addresses(string value, int count)
    {
        var settings = PlatformSettings.Load(Config(value));
        Assert.Equal(count, settings.TrustedProxies!.Count);
        Assert.Null(PlatformSettings.Load(Config(null)).TrustedProxies); // unset: ASP.NET Core's loopback default
        var e = Assert.Throws<InvalidSettingException>(() => PlatformSettings.Load(Config("10.0.0.0/8,ingress")));
        Assert.Contains("CXC_TRUSTED_PROXIES", e.Message);
    }

    private static async Task<HttpResponseMessage> GetAsync(ApiFactory server, string? forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        }
        var response = await server.Client().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static string? Hsts(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Strict-Transport-Security", out var v) ? string.Join(",", v) : null;

    private static IConfiguration Config(string? trustedProxies) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["CXC_POSTGRES"] = "Host=127.0.0.1;Database=x",
        ["CXC_REDIS"] = "127.0.0.1:6379",
        ["CXC_DEV_MODE"] = "1",
        ["CXC_TRUSTED_PROXIES"] = trustedProxies,
    }).Build();
}

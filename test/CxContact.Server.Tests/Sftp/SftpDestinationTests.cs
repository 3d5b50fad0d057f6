using System.Net;
using System.Net.Sockets;
using System.Text;
using CxContact.Server.Sftp;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Sftp;

/// <summary>
/// SFTP is not a way into our network: with no network allowed by the operator, an address in loopback, link-local
/// (cloud metadata) or a private range is refused when the connection is saved, and a name that resolves to 127.0.0.1
/// is refused when it connects (403, reason destination-refused), never reaching the server behind it. On a network
/// the operator allows, the platform's own ports are still refused. The test is for admins only, and its errors do not
/// repeat what answered on a port.
/// </summary>
public sealed class SftpDestinationTests : IAsyncLifetime
{
    // No CXC_SFTP_ALLOWED_NETWORKS: a production silo's default.
    private readonly ApiFactory _closed = new ApiFactory().With("CXC_SFTP_ALLOWED_NETWORKS", "");

    public Task InitializeAsync() => _closed.InitializeAsync();
    public Task DisposeAsync() => _closed.DisposeAsync();

    private static object Connection(string host, int port) => new
    {
        name = "drop " + Guid.NewGuid().ToString("N")[..6], host, port, username = LocalSftp.Shared.Username, privateKey = LocalSftp.Shared.PrivateKey,
        hostKeyFingerprint = LocalSftp.Shared.HostKeyFingerprint,
    };

    [Fact]
    public async Task Internal_addresses_are_refused_when_saved_and_a_name_for_loopback_when_it_connects()
    {
        var tenant = await HttpAssert.Json(await _closed.Admin().PostJson("/api/v1/tenants", new { name = "Ssrf " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var admin = _closed.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);

        foreach (var (host, words) in new[] { ("169.254.169.254", "link-local"), ("127.0.0.1", "loopback"), ("10.0.0.5", "private"), ("::1", "loopback") })
        {
            var refused = await HttpAssert.Problem(await admin.PostJson("/api/v1/sftp-connections", Connection(host, 22)), HttpStatusCode.BadRequest);
            Assert.Contains(words, refused.GetProperty("errors").GetProperty("host")[0].GetString());
        }

        // "localhost" is a name: saved, then refused at connect time, before any byte reaches the server behind it.
        var saved = await HttpAssert.Json(await admin.PostJson("/api/v1/sftp-connections", Connection("localhost", LocalSftp.Shared.Port)), HttpStatusCode.Created);
        var id = saved.GetProperty("id").GetGuid();
        var test = await HttpAssert.Problem(await admin.PostAsync($"/api/v1/sftp-connections/{id}/test", null), HttpStatusCode.Forbidden);
        Assert.Equal("destination-refused", test.GetProperty("reason").GetString());
        Assert.Contains("loopback", test.GetProperty("detail").GetString());

        // Only admins may test a connection.
        var key = await HttpAssert.Json(await admin.PostJson("/api/v1/api-keys", new { name = "ops", role = "supervisor" }), HttpStatusCode.Created);
        var supervisor = _closed.Client(key.GetProperty("key").GetString()!);
        await HttpAssert.Problem(await supervisor.PostAsync($"/api/v1/sftp-connections/{id}/test", null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task On_an_allowed_network_the_platforms_ports_are_refused_and_a_foreign_banner_is_not_repeated()
    {
        var policy = new SftpDestinationPolicy([IPNetwork.Parse("127.0.0.0/8")], new HashSet<int> { 5432, 6379 });
        Assert.Null(policy.Refusal(IPAddress.Loopback, 2222));
        Assert.Contains("platform's own", policy.Refusal(IPAddress.Loopback, 6379));
        Assert.Contains("link-local", policy.Refusal(IPAddress.Parse("169.254.169.254"), 22));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:127.0.0.1"), 22));
        Assert.Contains("loopback", new SftpDestinationPolicy([], new HashSet<int>()).Refusal(IPAddress.Parse("::ffff:127.0.0.1"), 22));
        Assert.Null(policy.Refusal(IPAddress.Parse("93.184.216.34"), 22));

        // A listener that is not SSH answers with a banner of its own; the test's error must not repeat it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nServer: secret-banner/9.9\r\n\r\n"));
            await Task.Delay(200);
        });
        await using var open = new ApiFactory();
        await open.InitializeAsync();
        var tenant = await HttpAssert.Json(await open.Admin().PostJson("/api/v1/tenants", new { name = "Banner " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var admin = open.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!);
        var saved = await HttpAssert.Json(await admin.PostJson("/api/v1/sftp-connections", Connection("127.0.0.1", port)), HttpStatusCode.Created);
        var failed = await HttpAssert.Problem(await admin.PostAsync($"/api/v1/sftp-connections/{saved.GetProperty("id").GetGuid()}/test", null),
            HttpStatusCode.BadGateway);
        Assert.DoesNotContain("secret-banner", failed.ToString());
        Assert.DoesNotContain("HTTP/1.1", failed.ToString());
        await serving;
    }
}

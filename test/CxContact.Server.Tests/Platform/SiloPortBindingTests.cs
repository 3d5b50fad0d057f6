using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The silo and gateway ports have no authentication, so they listen only on the address other silos reach this one at
/// (loopback here, the pod's address in Kubernetes): from the host's other addresses nothing answers on them, while
/// the API (behind its keys) still does.
/// </summary>
public sealed class SiloPortBindingTests
{
    [Fact]
    public async Task Silo_and_gateway_ports_answer_on_the_advertised_address_only()
    {
        var other = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(other is not null, "this machine has no address besides loopback to try the ports from");

        var (silo, gateway, http) = (LocalProcess.FreePort(), LocalProcess.FreePort(), LocalProcess.FreePort());
        var id = "bind-" + Guid.NewGuid().ToString("N");
        await using var server = ServerProcess.Start(new Dictionary<string, string>
        {
            ["CXC_POSTGRES"] = await LocalPostgres.CreateDatabaseAsync("bind"), ["CXC_REDIS"] = LocalRedis.ConfigurationString,
            ["CXC_CLUSTER_ID"] = id, ["CXC_SERVICE_ID"] = id, ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{http}",
            ["CXC_SILO_PORT"] = silo.ToString(), ["CXC_GATEWAY_PORT"] = gateway.ToString(),
        });
        await server.WaitForAsync($"http://127.0.0.1:{http}/health/ready", _ => true, TimeSpan.FromSeconds(120));

        Assert.True(await AnswersAsync(IPAddress.Loopback, silo), "the silo port does not answer on loopback");
        Assert.True(await AnswersAsync(IPAddress.Loopback, gateway), "the gateway port does not answer on loopback");
        Assert.False(await AnswersAsync(other!, silo), $"the silo port answers on {other}");
        Assert.False(await AnswersAsync(other!, gateway), $"the gateway port answers on {other}");
        Assert.True(await AnswersAsync(other!, http), "the API should still answer on every interface it was told to");
    }

    private static async Task<bool> AnswersAsync(IPAddress address, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException) { return false; }
    }
}

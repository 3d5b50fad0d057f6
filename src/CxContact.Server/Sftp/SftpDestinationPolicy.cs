using System.Net;
using System.Net.Sockets;

namespace CxContact.Server.Sftp;

/// <summary>
/// Where SFTP may connect. A connection's host is a tenant's text: unchecked, it would let a key holder reach our own
/// network through the platform (cloud metadata at 169.254.169.254, PostgreSQL, Redis, the silos). The host is resolved
/// when connecting and the connection goes to the address that was checked, so a name cannot change its answer in
/// between (DNS rebinding). Refused: loopback, link-local, private, unique-local, carrier-grade NAT, multicast and
/// unspecified addresses, unless the operator allows a network (CXC_SFTP_ALLOWED_NETWORKS); and, on any address the
/// operator allows, the platform's own ports.
/// </summary>
public sealed class SftpDestinationPolicy(IReadOnlyList<IPNetwork> allowed, IReadOnlySet<int> ownPorts)
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    public IReadOnlyList<IPNetwork> Allowed => allowed;

    /// <summary>Why the address may not be used, or null when it may.</summary>
    public string? Refusal(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var allowedNet = allowed.Any(n => n.Contains(address));
        if (allowedNet)
            return ownPorts.Contains(port) ? $"port {port} is one of the platform's own" : null;
        return Internal.Any(n => n.Contains(address)) ? $"{address} is {Describe(address)}" : null;
    }

    /// <summary>Resolves the host now and returns the first address it may connect to; throws when every address is refused.</summary>
    public async Task<IPAddress> ResolveAsync(string host, int port, CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
            catch (SocketException e) { throw new SftpFetchException(SftpFailure.UnknownHost, $"the SFTP host name \"{host}\" does not resolve", e); }
        }
        string? why = null;
        foreach (var a in addresses)
        {
            if (Refusal(a, port) is not { } refusal) return a;
            why ??= refusal;
        }
        throw new SftpFetchException(SftpFailure.DestinationRefused,
            $"connections to \"{host}\" are refused: {why ?? "it has no address"}. SFTP servers must be outside the platform's networks " +
            "(an operator can allow a network with CXC_SFTP_ALLOWED_NETWORKS)");
    }

    private static string Describe(IPAddress a) =>
        IPAddress.IsLoopback(a) ? "a loopback address"
        : a.IsIPv6LinkLocal || IPNetwork.Parse("169.254.0.0/16").Contains(a) ? "a link-local address (cloud metadata lives there)"
        : a.IsIPv6Multicast || IPNetwork.Parse("224.0.0.0/4").Contains(a) ? "a multicast address"
        : "in a private or reserved network";

    /// <summary>"10.1.0.0/16, 192.168.5.7" (a bare address is one host); empty allows nothing more.</summary>
    public static IReadOnlyList<IPNetwork> ParseNetworks(string? text, string setting)
    {
        var list = new List<IPNetwork>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cidr = part.Contains('/') ? part : IPAddress.TryParse(part, out var one) ? $"{part}/{(one.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)}" : part;
            if (!IPNetwork.TryParse(cidr, out var net))
                throw new Platform.Hosting.InvalidSettingException(setting, $"\"{part}\" is not a network (CIDR such as 10.20.0.0/16) or an address");
            list.Add(net);
        }
        return list;
    }
}

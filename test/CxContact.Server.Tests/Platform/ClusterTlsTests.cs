using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Tenancy;
using CxContact.Core.Tenancy;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The silo and gateway ports speak mutual TLS with the operator's certificate (here one issued by a test CA, given as
/// PEM files the way a Kubernetes Secret mounts them). A client without a certificate, or with one the CA did not
/// issue, cannot connect or call a grain; a client holding a certificate from the CA can, which shows the refusals
/// come from the certificate and not from a broken port.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cxc-cluster-tls-").FullName;
    private readonly X509Certificate2 _ca = Authority("CN=cxcontact test cluster CA");
    private ApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var silo = Issue(_ca, "CN=cxcontact-silo");
        File.WriteAllText(Path.Combine(_dir, "tls.crt"), silo.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "tls.key"), silo.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), _ca.ExportCertificatePem());
        _api = new ApiFactory()
            .With("CXC_CLUSTER_TLS_CERT", Path.Combine(_dir, "tls.crt"))
            .With("CXC_CLUSTER_TLS_KEY", Path.Combine(_dir, "tls.key"))
            .With("CXC_CLUSTER_TLS_CA", Path.Combine(_dir, "ca.crt"));
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_the_cluster_CA_connects_and_calls_a_grain()
    {
        var settings = await ClientCallAsync(Issue(_ca, "CN=cxcontact-tool"));
        Assert.NotNull(settings);
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_connect()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => ClientCallAsync(certificate: null));
    }

    [Fact]
    public async Task A_client_whose_certificate_the_cluster_CA_did_not_issue_cannot_connect()
    {
        var stranger = Issue(Authority("CN=someone else's CA"), "CN=cxcontact-silo");
        await Task.WhenAll(
            Assert.ThrowsAnyAsync<Exception>(() => ClientCallAsync(stranger)),
            Assert.ThrowsAnyAsync<Exception>(() => ClientCallAsync(ClusterTls.SelfSigned("CN=cxcontact-silo"))));
    }

    [Fact]
    public async Task The_silo_port_refuses_a_peer_without_the_cluster_certificate()
    {
        var port = int.Parse(_api.Setting("CXC_SILO_PORT")!);
        Assert.False(await TlsSessionAsync(port, ClusterTls.SelfSigned("CN=cxcontact-silo")), "a self-signed stranger got a TLS session on the silo port");
        Assert.False(await TlsSessionAsync(port, null), "a peer with no certificate got a TLS session on the silo port");
        Assert.True(await TlsSessionAsync(port, Issue(_ca, "CN=cxcontact-silo")), "a peer with the CA's certificate should get a session");
    }

    /// <summary>Connects an Orleans client to the gateway port and reads the system tenant's settings through a grain.</summary>
    private async Task<TenantSettings> ClientCallAsync(X509Certificate2? certificate)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = _api.Setting("CXC_CLUSTER_ID")!; o.ServiceId = _api.Setting("CXC_SERVICE_ID")!; });
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, int.Parse(_api.Setting("CXC_GATEWAY_PORT")!)));
            if (certificate is not null)
                client.UseTls(certificate, o =>
                {
                    o.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "cxcontact-silo";
                    o.RemoteCertificateValidation = (peer, _, _) => new ClusterTls { Certificate = certificate, Authorities = [_ca] }.Trusts(peer);
                });
        });
        using var host = builder.Build();
        // A refused client retries its gateway until the deadline; fifteen seconds is ample for one that is let in (under a second here).
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            return await grains.GetGrain<ITenantGrain>(Tenant.SystemId).GetSettingsAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally { await host.StopAsync(); }
    }

    /// <summary>True when a TLS session opens and stays open: the server neither fails the handshake nor drops us after it.</summary>
    private static async Task<bool> TlsSessionAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "cxcontact-silo",
                ClientCertificates = certificate is null ? null : [certificate],
                ApplicationProtocols = [new SslApplicationProtocol("Orleans1")],
            }).WaitAsync(TimeSpan.FromSeconds(10));
            // Under TLS 1.3 the server judges the client certificate after the client thinks the handshake is done: a refusal
            // arrives as an alert or a closed connection on the first read. A kept session brings the silo's preamble.
            return await ssl.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or TimeoutException) { return false; }
    }

    private static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca, now.AddDays(-1), now.AddMonths(6), RandomNumberGenerator.GetBytes(12));
        return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet);
    }
}

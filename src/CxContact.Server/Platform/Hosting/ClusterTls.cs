using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Mutual TLS on the silo and gateway ports. Every silo presents the cluster certificate and accepts only a peer that
/// presents one issued by the cluster's CA (CXC_CLUSTER_TLS_CA), or, with no CA given, the very same certificate. A
/// process without it cannot join the cluster or call a grain, whatever it can reach on the network.
/// Peers are pods whose addresses change, so a peer's host name is not checked: holding the key is the identity.
/// </summary>
public sealed class ClusterTls
{
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The roots a peer's certificate must chain to; empty means the peer must hold our own certificate.</summary>
    public required X509Certificate2Collection Authorities { get; init; }

    public void Configure(TlsOptions o)
    {
        o.LocalCertificate = Certificate;
        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.RemoteCertificateValidation = (peer, _, _) => Trusts(peer);
        o.HandshakeTimeout = TimeSpan.FromSeconds(5);
    }

    public bool Trusts(X509Certificate2 peer)
    {
        if (Authorities.Count == 0)
            return peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    /// <summary>
    /// The operator's certificate (CXC_CLUSTER_TLS_CERT and _KEY, PEM, as a kubernetes.io/tls Secret mounts them), or in
    /// the dev run one this machine makes once and every local silo shares.
    /// </summary>
    public static ClusterTls Load(PlatformSettings s)
    {
        // The silo and gateway ports would otherwise take calls from anything that reaches them.
        if (!s.DevMode && s.ClusterTlsCertFile is null)
            throw new InvalidSettingException("CXC_CLUSTER_TLS_CERT",
                "is not set; outside the dev run (CXC_DEV_MODE=1) silos talk to each other over mutual TLS with the operator's " +
                "certificate: CXC_CLUSTER_TLS_CERT, CXC_CLUSTER_TLS_KEY (PEM) and CXC_CLUSTER_TLS_CA; the Helm chart makes them in a Secret");
        if (s.ClusterTlsCertFile is { } certFile)
        {
            X509Certificate2 cert;
            try { cert = X509Certificate2.CreateFromPemFile(certFile, s.ClusterTlsKeyFile ?? certFile); }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
            {
                throw new InvalidSettingException("CXC_CLUSTER_TLS_CERT", $"cannot load the cluster certificate and key from {certFile}: {e.Message}");
            }
            var roots = new X509Certificate2Collection();
            if (s.ClusterTlsCaFile is { } ca)
            {
                try { roots.ImportFromPemFile(ca); }
                catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
                {
                    throw new InvalidSettingException("CXC_CLUSTER_TLS_CA", $"cannot read {ca}: {e.Message}");
                }
                if (roots.Count == 0) throw new InvalidSettingException("CXC_CLUSTER_TLS_CA", $"{ca} holds no certificate");
            }
            return new ClusterTls { Certificate = cert, Authorities = roots };
        }
        return new ClusterTls { Certificate = DevCertificate(s.ClusterTlsDevDirectory), Authorities = [] };
    }

    /// <summary>A self-signed certificate kept in the dev directory; the first silo to start writes it, the others read it.</summary>
    public static X509Certificate2 DevCertificate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "cluster-dev.pfx");
        if (!File.Exists(path))
        {
            var fresh = Path.Combine(directory, $".{Guid.NewGuid():N}.pfx");
            File.WriteAllBytes(fresh, SelfSigned("CN=cxcontact-cluster-dev").Export(X509ContentType.Pkcs12));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fresh, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(fresh, path, overwrite: false); }
            catch (IOException) { File.Delete(fresh); } // another silo wrote it first: use theirs
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>A certificate fit for both ends of a silo connection (server and client authentication).</summary>
    public static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet);
    }
}

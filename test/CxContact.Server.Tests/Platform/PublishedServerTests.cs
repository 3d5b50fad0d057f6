using System.Diagnostics;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The image's contents without Docker (no engine runs here): the server published as the Dockerfile publishes it,
/// its folder made read-only as the image's root filesystem is, started as its own process with production settings
/// (no dev mode: the secrets key is given), until /health/ready; and it serves the console and the API document.
/// </summary>
public sealed class PublishedServerTests
{
    [Fact]
    public async Task The_published_server_starts_from_a_read_only_folder_and_serves_the_console()
    {
        var root = RepoPaths.Root;
        var output = Directory.CreateTempSubdirectory("cxc-publish-").FullName;
        var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "CxContact.Server"), "-c", "Release", "-o", output,
            "--nologo", "-v", "q"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var log = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, log);
        LocalProcess.Run("chmod", "-R", "a-w", output);
        try
        {
            var url = $"http://127.0.0.1:{LocalProcess.FreePort()}";
            var id = "published-" + Guid.NewGuid().ToString("N");
            var landing = Directory.CreateTempSubdirectory("cxc-landing-").FullName;
            var systemKey = CxContact.Core.Tenancy.ApiKeySecret.Generate();
            // The cluster certificate as the chart's Secret holds it: PEM files, an RSA key in PKCS#1 (helm's genSignedCert).
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=cxcontact-silo", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
                [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"), new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(Path.Combine(landing, "tls.crt"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(landing, "tls.key"), rsa.ExportRSAPrivateKeyPem());
            await using var server = ServerProcess.StartDll(Path.Combine(output, "CxContact.Server.dll"), new Dictionary<string, string>
            {
                ["CXC_POSTGRES"] = await LocalPostgres.CreateDatabaseAsync("published"), ["CXC_REDIS"] = LocalRedis.ConfigurationString,
                ["CXC_CLUSTER_ID"] = id, ["CXC_SERVICE_ID"] = id, ["ASPNETCORE_URLS"] = url, ["CXC_DEV_MODE"] = "0",
                ["CXC_SECRETS_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["CXC_LANDING_DIR"] = landing, ["CXC_BOOTSTRAP_ADMIN_KEY"] = systemKey,
                ["CXC_CLUSTER_TLS_CERT"] = Path.Combine(landing, "tls.crt"), ["CXC_CLUSTER_TLS_KEY"] = Path.Combine(landing, "tls.key"),
                ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(), ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
            });
            await server.WaitForAsync(url + "/health/ready", _ => true, TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Contains("<base href=\"/\" />", await http.GetStringAsync("/campaigns"));
            Assert.Contains("\"openapi\"", await http.GetStringAsync("/openapi/v1.json"));
            http.DefaultRequestHeaders.Authorization = new("Bearer", systemKey);
            Assert.Contains("system-admin", await http.GetStringAsync("/api/v1/me"));
        }
        finally
        {
            LocalProcess.Run("chmod", "-R", "u+w", output);
            Directory.Delete(output, recursive: true);
        }
    }
}

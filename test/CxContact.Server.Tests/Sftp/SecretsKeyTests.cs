using CxContact.Server.Platform.Secrets;
using System.Security.Cryptography;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Sftp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace CxContact.Server.Tests.Sftp;

/// <summary>Where the master key comes from: CXC_SECRETS_KEY, or one generated once and shared through the database.</summary>
public sealed class SecretsKeyTests(SftpDatabase data) : IClassFixture<SftpDatabase>
{
    [Fact]
    public async Task Silos_without_a_configured_key_all_use_the_one_generated_first()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new SecretsKey(data.Db, null, NullLogger<SecretsKey>.Instance).GetAsync(CancellationToken.None).AsTask()));

        Assert.Equal(32, keys[0].Length);
        Assert.All(keys, k => Assert.Equal(keys[0], k));
    }

    [Fact]
    public async Task A_configured_key_is_used_as_given()
    {
        var configured = RandomNumberGenerator.GetBytes(32);
        Assert.Same(configured, await new SecretsKey(data.Db, configured, NullLogger<SecretsKey>.Instance).GetAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_secrets_key_that_is_not_32_bytes_of_base64_stops_the_start_by_name(string value)
    {
        var e = Assert.Throws<InvalidSettingException>(() => PlatformSettings.Load(Config(value)));
        Assert.Equal("CXC_SECRETS_KEY", e.Setting);
    }

    [Fact]
    public void A_valid_secrets_key_is_read()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(key, PlatformSettings.Load(Config(Convert.ToBase64String(key))).SecretsKey);
        Assert.Null(PlatformSettings.Load(Config(null, devMode: true)).SecretsKey);
    }

    [Fact]
    public void Outside_the_dev_run_a_missing_secrets_key_stops_the_start_by_name()
    {
        var e = Assert.Throws<InvalidSettingException>(() => PlatformSettings.Load(Config(null)));
        Assert.Equal("CXC_SECRETS_KEY", e.Setting);
        Assert.Contains("openssl rand -base64 32", e.Message);
    }

    private static IConfiguration Config(string? secretsKey, bool devMode = false) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["CXC_POSTGRES"] = "Host=127.0.0.1;Username=postgres", ["CXC_REDIS"] = "127.0.0.1:6379", ["CXC_SECRETS_KEY"] = secretsKey,
        ["CXC_DEV_MODE"] = devMode ? "1" : null,
    }).Build();
}

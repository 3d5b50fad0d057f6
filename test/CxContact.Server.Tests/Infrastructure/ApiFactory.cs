using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using CxContact.Core.Tenancy;
using CxContact.Testing.LocalServices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// The whole server (silo, API, Hangfire) on real Kestrel, over real HTTP, on a database of its own and a Redis
/// key space of its own. Use as a class fixture; <see cref="RestartAsync"/> gives a new process-like host on the
/// same database, which is how the tests prove that state survives a restart.
/// </summary>
public sealed class ApiFactory : IAsyncLifetime
{
    private Host? _host;
    private readonly Dictionary<string, string?> _settings = new();

    public string SystemAdminKey { get; } = ApiKeySecret.Generate();
    public string Postgres { get; private set; } = "";
    /// <summary>This server's own landing directory for uploads.</summary>
    public string LandingDirectory { get; } = Directory.CreateTempSubdirectory("cxc-landing-").FullName;

    /// <summary>Extra settings (CXC_* names) for the next start; call before InitializeAsync or RestartAsync.</summary>
    public ApiFactory With(string key, string? value) { _settings[key] = value; return this; }

    private TimeProvider? _clock;
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>Replaces or adds services (e.g. shorter Hangfire timeouts) for the next start; call before InitializeAsync.</summary>
    public ApiFactory WithServices(Action<IServiceCollection> configure) { _services.Add(configure); return this; }

    /// <summary>
    /// A second server of the same deployment: same database, Redis key space, cluster, landing directory and clock,
    /// its own ports. Start it with InitializeAsync after this one has started.
    /// </summary>
    public ApiFactory Sibling()
    {
        var sibling = new ApiFactory { _clock = _clock };
        foreach (var (k, v) in _settings)
            if (k is not ("CXC_SILO_PORT" or "CXC_GATEWAY_PORT" or "CXC_BOOTSTRAP_ADMIN_KEY")) sibling._settings[k] = v;
        return sibling;
    }

    /// <summary>The platform's clock (PlatformClock, which every feature reads; Orleans keeps the real one); call before InitializeAsync.</summary>
    public ApiFactory WithClock(TimeProvider clock) { _clock = clock; return this; }

    public async Task InitializeAsync()
    {
        // A server of an existing deployment (With("CXC_POSTGRES", ...) or Sibling) uses its database.
        Postgres = _settings.TryGetValue("CXC_POSTGRES", out var existing) && existing is not null
            ? existing : await LocalPostgres.CreateDatabaseAsync("api");
        var id = Guid.NewGuid().ToString("N");
        // Defaults only: settings given with With() before start win.
        _settings.TryAdd("CXC_POSTGRES", Postgres);
        _settings.TryAdd("CXC_REDIS", LocalRedis.ConfigurationString);
        _settings.TryAdd("CXC_REDIS_PREFIX", LocalRedis.NewPrefix("api"));
        _settings.TryAdd("CXC_CLUSTER_ID", "test-" + id);
        _settings.TryAdd("CXC_SERVICE_ID", "test-" + id);
        _settings.TryAdd("CXC_BOOTSTRAP_ADMIN_KEY", SystemAdminKey);
        _settings.TryAdd("CXC_LOG_FORMAT", "text");
        _settings.TryAdd("CXC_LANDING_DIR", LandingDirectory);
        // The tests' SFTP server listens on loopback, which SFTP may not reach unless an operator allows it.
        _settings.TryAdd("CXC_SFTP_ALLOWED_NETWORKS", "127.0.0.0/8");
        // Like the dev run: the secrets key may be generated and kept in the database (production must give one).
        _settings.TryAdd("CXC_DEV_MODE", "1");
        Start();
        await CompliantAsync();
    }

    public async Task RestartAsync()
    {
        await _host!.DisposeAsync();
        Start();
        await CompliantAsync();
    }

    /// <summary>
    /// Waits (up to 30 s) until the server trusts Redis, as a load balancer waits for readiness: until then every
    /// validation is "deny: compliance-rebuilding". A server that cannot get there is left for the test to judge.
    /// </summary>
    public async Task CompliantAsync()
    {
        var epoch = _host!.Services.GetRequiredService<CxContact.Server.Compliance.Recovery.RedisEpoch>();
        await Eventually.UntilAsync(() => epoch.Current is not null, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
    }

    /// <summary>The server's services, for tests that look inside (the Redis gate, say).</summary>
    public IServiceProvider Services => _host!.Services;

    public HttpClient Client(string? key = null)
    {
        var c = _host!.CreateClient();
        if (key is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    public HttpClient Admin() => Client(SystemAdminKey);

    /// <summary>A setting this server runs with (CXC_* name), such as the silo port it was given.</summary>
    public string? Setting(string key) => _settings.GetValueOrDefault(key);

    /// <summary>Where the real Kestrel server listens, for a browser.</summary>
    public Uri BaseAddress => Client().BaseAddress!;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        try { Directory.Delete(LandingDirectory, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private void Start()
    {
        // Fresh silo ports each start: the previous silo's ports may linger in TIME_WAIT.
        _settings["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString();
        _settings["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString();
        _host = new Host(new Dictionary<string, string?>(_settings), _clock, _services);
        _host.UseKestrel(0);
        _host.StartServer();
    }

    private sealed class Host(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock, IReadOnlyList<Action<IServiceCollection>> services)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (k, v) in settings) builder.UseSetting(k, v);
            if (clock is not null) builder.ConfigureTestServices(s => s.AddSingleton(new CxContact.Server.Platform.Hosting.PlatformClock(clock)));
            foreach (var configure in services) builder.ConfigureTestServices(configure);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Core.Tenancy;
using CxContact.Testing.LocalServices;

namespace CxContact.Benchmarks;

/// <summary>
/// The real server as its own process, on a fresh database and the benchmark's Redis, with a tenant ready to use:
/// what a scenario measures end to end goes through HTTP exactly as a customer's would.
/// </summary>
public sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, string> _settings;

    public HttpClient Http { get; }
    public string Postgres { get; }
    public string RedisPrefix { get; }
    public Uri BaseAddress { get; }
    public string TenantKey { get; private set; } = "";
    public Guid TenantId { get; private set; }

    /// <summary>The bootstrap system-admin key, for what only a system admin may do (another tenant, a tenant's limits).</summary>
    public string AdminKey => _settings["CXC_BOOTSTRAP_ADMIN_KEY"];

    private BenchmarkServer(Process process, HttpClient http, string postgres, string redisPrefix, Uri baseAddress, Dictionary<string, string> settings)
    {
        (_process, Http, Postgres, RedisPrefix, BaseAddress, _settings) = (process, http, postgres, redisPrefix, baseAddress, settings);
    }

    /// <summary>Starts a server on a database of its own; on the run's Redis unless another is given (<paramref name="redis"/>).</summary>
    /// <param name="env">More settings for the server (CXC_...).</param>
    public static async Task<BenchmarkServer> StartAsync(string name, string landing, CancellationToken ct, string? redis = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("bench_" + name);
        var key = ApiKeySecret.Generate();
        var prefix = LocalRedis.NewPrefix(name);
        var id = "bench-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string>
        {
            ["CXC_POSTGRES"] = postgres, ["CXC_REDIS"] = redis ?? LocalRedis.ConfigurationString, ["CXC_REDIS_PREFIX"] = prefix,
            ["CXC_CLUSTER_ID"] = id, ["CXC_SERVICE_ID"] = id, ["CXC_BOOTSTRAP_ADMIN_KEY"] = key, ["CXC_LANDING_DIR"] = landing, ["CXC_LOG_FORMAT"] = "text",
            // Benchmarks pull from a local SFTP server: loopback is allowed here as an operator would allow a partner network.
            ["CXC_SFTP_ALLOWED_NETWORKS"] = "127.0.0.0/8", ["CXC_DEV_MODE"] = "1",
            // One key drives each benchmark as fast as it goes: the rate limiter stays in the path, its ceiling out of the way.
            ["CXC_REQUESTS_PER_SECOND_PER_KEY"] = "65535", ["CXC_REQUESTS_PER_SECOND_PER_TENANT"] = "65535",
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) settings[k] = v;
        var server = await LaunchAsync(settings, ct);
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var tenant = await server.PostAsync("/api/v1/tenants", new { name = name }, ct);
        server.TenantKey = tenant.GetProperty("adminKey").GetProperty("key").GetString()!;
        server.TenantId = tenant.GetProperty("tenant").GetProperty("id").GetGuid();
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.TenantKey);
        return server;
    }

    /// <summary>
    /// Another silo of the same cluster (same database, Redis prefix, cluster and service id), as its own process with
    /// the roles given: what a second pod would be. Its API answers with the first server's tenant key.
    /// </summary>
    public async Task<BenchmarkServer> JoinAsync(string roles, CancellationToken ct)
    {
        var settings = new Dictionary<string, string>(_settings) { ["CXC_ROLES"] = roles };
        var silo = await LaunchAsync(settings, ct);
        (silo.TenantKey, silo.TenantId) = (TenantKey, TenantId);
        silo.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TenantKey);
        return silo;
    }

    /// <summary>Kills the process at once (SIGKILL): a pod lost with its node, nothing flushed or handed over.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private static async Task<BenchmarkServer> LaunchAsync(Dictionary<string, string> settings, CancellationToken ct)
    {
        var port = LocalProcess.FreePort();
        var dll = ServerDll();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add(dll);
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("CXC_") || k.StartsWith("ASPNETCORE_")).ToList()) psi.Environment.Remove(k);
        foreach (var (k, v) in settings) psi.Environment[k] = v;
        psi.Environment["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        psi.Environment["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var p = Process.Start(psi)!;
        // Drain the output, or the server blocks once the pipe fills; show warnings, errors and import summaries only.
        p.OutputDataReceived += (_, e) => { if (e.Data is { } l && (l.Contains("warn:") || l.Contains("fail:") || l.Contains("crit:") || l.Contains("Import ") || l.Contains("handed over") || l.Contains("uppression import ") || l.Contains("Preload "))) Console.Error.WriteLine($"server {p.Id}: " + l); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } l) Console.Error.WriteLine($"server {p.Id}: " + l); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { p.Kill(true); } catch (InvalidOperationException) { } };

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(30) };
        var server = new BenchmarkServer(p, http, settings["CXC_POSTGRES"], settings["CXC_REDIS_PREFIX"], baseAddress, settings);
        await server.WaitReadyAsync(ct);
        return server;
    }

    public async Task<JsonElement> PostAsync(string url, object body, CancellationToken ct)
    {
        var response = await Http.PostAsJsonAsync(url, body, ct);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        return response.IsSuccessStatusCode ? json : throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {json}");
    }

    /// <summary>VmHWM: the most resident memory the server process ever had.</summary>
    public double PeakWorkingSetMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode}");
            try { if ((await Http.GetAsync("/health/ready", ct)).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { /* not listening yet */ }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException("the server did not become ready in 120 s");
    }

    /// <summary>CXC_BENCH_SERVER_DLL runs another build of the server (a published one, say); the repository's Release build otherwise.</summary>
    private static string ServerDll()
    {
        if (Environment.GetEnvironmentVariable("CXC_BENCH_SERVER_DLL") is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new FileNotFoundException("CXC_BENCH_SERVER_DLL names no file", given);
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot(), "src", "CxContact.Server", "bin", config, "net10.0", "CxContact.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the server first", dll);
    }

    /// <summary>The checkout the benchmarks run from (the folder holding CxContact.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CxContact.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CxContact.sln not found");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); } catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }
}

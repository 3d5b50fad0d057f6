using CxContact.Core.Tenancy;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// Server processes of one deployment, for tests that stop, kill and restart real processes: one database, Redis key
/// space, Orleans cluster, landing directory and system admin key; each process its own HTTP and silo ports.
/// </summary>
public sealed class ServerDeployment(string postgres, string redis, IReadOnlyDictionary<string, string>? settings = null) : IDisposable
{
    public string Postgres => postgres;
    public string ClusterId { get; } = "proc-" + Guid.NewGuid().ToString("N");
    public string AdminKey { get; } = ApiKeySecret.Generate();
    /// <summary>Shared by every process, as a volume is in Kubernetes: any silo can run an import another one took in.</summary>
    public string LandingDirectory { get; } = LocalProcess.TempDir("cxc-landing-");
    private readonly string _redisPrefix = LocalRedis.NewPrefix("proc");

    /// <summary>Starts one process with the roles given (all when null); <see cref="ServerProcess.WaitForAsync"/> waits for it.</summary>
    public ServerProcess Start(string? roles = null)
    {
        var env = new Dictionary<string, string>
        {
            ["CXC_POSTGRES"] = postgres,
            ["CXC_REDIS"] = redis,
            ["CXC_REDIS_PREFIX"] = _redisPrefix,
            ["CXC_CLUSTER_ID"] = ClusterId,
            ["CXC_SERVICE_ID"] = ClusterId,
            ["CXC_BOOTSTRAP_ADMIN_KEY"] = AdminKey,
            ["CXC_LANDING_DIR"] = LandingDirectory,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}",
            ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(),
            ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
        };
        if (roles is not null) env["CXC_ROLES"] = roles;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) env[k] = v;
        return ServerProcess.Start(env);
    }

    /// <summary>The name an import worker of this process writes into list_imports.worker.</summary>
    public static string WorkerName(ServerProcess server) => $"{Environment.MachineName}:{server.Settings["CXC_SILO_PORT"]}";

    public void Dispose()
    {
        try { Directory.Delete(LandingDirectory, recursive: true); } catch (IOException) { /* best effort */ }
    }
}

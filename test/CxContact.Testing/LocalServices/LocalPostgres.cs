using Npgsql;

namespace CxContact.Testing.LocalServices;

/// <summary>
/// One PostgreSQL server per test run: CXC_TEST_POSTGRES when given (a superuser connection), otherwise a private
/// instance from the installed binaries on a free port under /tmp, stopped when the process exits. Callers get
/// their own database each, so test classes never see each other's rows.
/// </summary>
public static class LocalPostgres
{
    private static readonly Lazy<string> Admin = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A superuser connection string to the "postgres" database.</summary>
    public static string AdminConnectionString => Admin.Value;

    public static Task<string> CreateDatabaseAsync(string prefix) => CreateDatabaseAsync(AdminConnectionString, prefix);

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("CXC_TEST_POSTGRES") is { Length: > 0 } given) return given;

        var root = LocalProcess.TempDir("cxc-pg-");
        var port = LocalProcess.FreePort();
        InitDb(root);
        StartServer(root, port);
        StopWhenThisProcessEnds(root);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    /// <summary>A new cluster in root/data, owned by the postgres user when we are root.</summary>
    internal static void InitDb(string root)
    {
        if (LocalProcess.IsRoot) LocalProcess.Run("chown", "postgres", root);
        LocalProcess.RunAsPostgres(Path.Combine(Binaries.Value, "initdb"), "-D", Path.Combine(root, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8");
    }

    /// <summary>Starts the cluster in root/data on the port and waits until it takes connections.</summary>
    internal static void StartServer(string root, int port) =>
        // Durability is irrelevant for throwaway test data; these settings make DDL-heavy fixtures much faster.
        LocalProcess.RunAsPostgres(Path.Combine(Binaries.Value, "pg_ctl"), "-D", Path.Combine(root, "data"), "-w", "-l", Path.Combine(root, "postgres.log"), "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000",
            "start");

    /// <summary>Stops the cluster in root/data: "fast" ends the sessions and shuts down cleanly, "immediate" is a crash.</summary>
    internal static void StopServer(string root, string mode) =>
        LocalProcess.RunAsPostgres(Path.Combine(Binaries.Value, "pg_ctl"), "-D", Path.Combine(root, "data"), "-w", "-m", mode, "stop");

    /// <summary>However the test host ends, the cluster in root must not outlive it.</summary>
    internal static void StopWhenThisProcessEnds(string root)
    {
        var stop = $"{LocalProcess.Quote(Path.Combine(Binaries.Value, "pg_ctl"))} -D {LocalProcess.Quote(Path.Combine(root, "data"))} -m immediate stop";
        LocalProcess.WhenThisProcessEnds(
            (LocalProcess.IsRoot ? $"runuser -u postgres -- {stop}" : stop) + $" >/dev/null 2>&1; rm -rf {LocalProcess.Quote(root)}");
    }

    /// <summary>A database of the caller's own on the server the admin connection string points to.</summary>
    internal static async Task<string> CreateDatabaseAsync(string admin, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static readonly Lazy<string> Binaries = new(FindBinaries);

    private static string FindBinaries()
    {
        var dirs = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderDescending().ToList() : [];
        return dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql. " +
                "Run eng/test.sh (it installs them), or set CXC_TEST_POSTGRES to a superuser connection string.");
    }
}

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

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("CXC_TEST_POSTGRES") is { Length: > 0 } given) return given;

        var bin = FindBinaries();
        var root = LocalProcess.TempDir("cxc-pg-");
        var data = Path.Combine(root, "data");
        var port = LocalProcess.FreePort();
        if (LocalProcess.IsRoot) LocalProcess.Run("chown", "postgres", root);
        LocalProcess.RunAsPostgres(Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8");
        // Durability is irrelevant for throwaway test data; these settings make DDL-heavy fixtures much faster.
        LocalProcess.RunAsPostgres(Path.Combine(bin, "pg_ctl"), "-D", data, "-w", "-l", Path.Combine(root, "postgres.log"), "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000",
            "start");
        var pgCtl = LocalProcess.Quote(Path.Combine(bin, "pg_ctl"));
        var stop = $"{pgCtl} -D {LocalProcess.Quote(data)} -m immediate stop";
        LocalProcess.WhenThisProcessEnds(
            (LocalProcess.IsRoot ? $"runuser -u postgres -- {stop}" : stop) + $" >/dev/null 2>&1; rm -rf {LocalProcess.Quote(root)}");
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static string FindBinaries()
    {
        var dirs = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderDescending().ToList() : [];
        return dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql. " +
                "Run eng/test.sh (it installs them), or set CXC_TEST_POSTGRES to a superuser connection string.");
    }
}

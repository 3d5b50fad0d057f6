using CxContact.Server.Platform.Migrations;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>What the server does when it cannot start, and --migrate-only: real processes, real exit codes.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string> Env(string postgres, string redis) => new()
    {
        ["CXC_POSTGRES"] = postgres,
        ["CXC_REDIS"] = redis,
        ["CXC_STARTUP_TIMEOUT_SECONDS"] = "1",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}",
        ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(),
        ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
    };

    private static void AssertNoStackTrace(string output) =>
        Assert.DoesNotMatch(@"(?m)^\s+at [A-Za-z_.]+\(", output);

    [Fact]
    public async Task Unreachable_postgres_is_named_with_its_address_and_the_process_exits_non_zero()
    {
        var deadPort = LocalProcess.FreePort();
        await using var server = ServerProcess.Start(Env($"Host=127.0.0.1;Port={deadPort};Username=postgres;Database=x;Password=s3cret", LocalRedis.ConfigurationString));

        Assert.NotEqual(0, await server.WaitForExitAsync(Exit));
        Assert.Contains($"PostgreSQL is unreachable at 127.0.0.1:{deadPort}/x", server.Output);
        Assert.DoesNotContain("s3cret", server.Output);
        Assert.DoesNotContain("Redis is unreachable", server.Output);
        AssertNoStackTrace(server.Output);
    }

    [Fact]
    public async Task Unreachable_redis_is_named_with_its_address_and_the_process_exits_non_zero()
    {
        var deadPort = LocalProcess.FreePort();
        await using var server = ServerProcess.Start(Env(LocalPostgres.AdminConnectionString, $"127.0.0.1:{deadPort}"));

        Assert.NotEqual(0, await server.WaitForExitAsync(Exit));
        Assert.Contains($"Redis is unreachable at 127.0.0.1:{deadPort}", server.Output);
        Assert.DoesNotContain("PostgreSQL is unreachable", server.Output);
        AssertNoStackTrace(server.Output);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_by_name()
    {
        var env = Env(LocalPostgres.AdminConnectionString, LocalRedis.ConfigurationString);
        env["CXC_ROLES"] = "api,dialler";
        await using var server = ServerProcess.Start(env);

        Assert.NotEqual(0, await server.WaitForExitAsync(Exit));
        Assert.Contains("CXC_ROLES", server.Output);
        Assert.Contains("dialler", server.Output);
        AssertNoStackTrace(server.Output);
    }

    [Fact]
    public async Task A_missing_connection_string_is_refused_by_name()
    {
        var env = Env(LocalPostgres.AdminConnectionString, LocalRedis.ConfigurationString);
        env.Remove("CXC_POSTGRES");
        await using var server = ServerProcess.Start(env);

        Assert.NotEqual(0, await server.WaitForExitAsync(Exit));
        Assert.Contains("CXC_POSTGRES", server.Output);
    }

    [Fact]
    public async Task Migrate_only_applies_every_migration_and_hangfires_schema_then_exits_zero()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("migrate_only");
        await using var server = ServerProcess.Start(Env(postgres, LocalRedis.ConfigurationString), "--migrate-only");

        Assert.Equal(0, await server.WaitForExitAsync(Exit));
        await using var db = NpgsqlDataSource.Create(postgres);
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM schema_migrations"))
            Assert.Equal((long)MigrationCatalog.All.Count, await cmd.ExecuteScalarAsync());
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire'"))
            Assert.True((long)(await cmd.ExecuteScalarAsync())! > 5);
        // It exits before the bootstrap: keys are made by the first real start, which prints them.
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM api_keys"))
            Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_first_start_writes_a_bootstrap_key_to_a_private_file_and_never_logs_it()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("bootstrap");
        var env = Env(postgres, LocalRedis.ConfigurationString);
        env["CXC_SERVICE_ID"] = env["CXC_CLUSTER_ID"] = "boot-" + Guid.NewGuid().ToString("N");
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("cxc-boot-").FullName, "bootstrap-admin-key");
        env["CXC_BOOTSTRAP_KEY_FILE"] = keyFile;
        string key;
        await using (var first = ServerProcess.Start(env))
        {
            await first.WaitForAsync(env["ASPNETCORE_URLS"] + "/health/ready", _ => true, TimeSpan.FromSeconds(90));
            key = (await File.ReadAllTextAsync(keyFile)).Trim();
            Assert.Matches(@"^cxc_[A-Za-z0-9_-]{43}$", key);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            Assert.DoesNotContain(key, first.Output);
            Assert.DoesNotContain("cxc_", first.Output);
            Assert.Contains(keyFile, first.Output);
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
            var me = await http.GetStringAsync(env["ASPNETCORE_URLS"] + "/api/v1/me");
            Assert.Contains("system-admin", me);
        }

        // Once a key exists, no other is made and the file is left alone.
        File.Delete(keyFile);
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}";
        await using var second = ServerProcess.Start(env);
        await second.WaitForAsync(env["ASPNETCORE_URLS"] + "/health/ready", _ => true, TimeSpan.FromSeconds(90));
        Assert.False(File.Exists(keyFile));
        Assert.DoesNotContain("cxc_", second.Output);
    }

    [Fact]
    public async Task Outside_the_dev_run_a_missing_secrets_key_stops_the_start_by_name()
    {
        var env = Env(LocalPostgres.AdminConnectionString, LocalRedis.ConfigurationString);
        env["CXC_DEV_MODE"] = "0";
        await using var server = ServerProcess.Start(env);

        Assert.Equal(2, await server.WaitForExitAsync(Exit));
        Assert.Contains("CXC_SECRETS_KEY", server.Output);
        AssertNoStackTrace(server.Output);
    }

    [Fact]
    public async Task Outside_the_dev_run_a_missing_cluster_certificate_stops_the_start_by_name()
    {
        var env = Env(LocalPostgres.AdminConnectionString, LocalRedis.ConfigurationString);
        env["CXC_DEV_MODE"] = "0";
        env["CXC_SECRETS_KEY"] = Convert.ToBase64String(new byte[32]);
        await using var server = ServerProcess.Start(env);

        Assert.Equal(2, await server.WaitForExitAsync(Exit));
        Assert.Contains("CXC_CLUSTER_TLS_CERT", server.Output);
        AssertNoStackTrace(server.Output);
    }
}

using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Hangfire on PostgreSQL. Every role can enqueue (the client side); only the scheduler role runs the server
/// that executes jobs.
/// </summary>
public static class SchedulerHosting
{
    public const string Schema = "hangfire";

    public static void AddCxHangfire(this IServiceCollection services, PlatformSettings s)
    {
        // Our own storage in the container, registered before AddHangfire (which only adds one if none is
        // there): otherwise the clients, the server and the dashboard take the process-wide JobStorage.Current, and
        // two hosts in one process (the tests) would enqueue into and run from each other's databases.
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(s.Postgres, StorageOptions()), StorageOptions());
        services.AddSingleton<JobStorage>(storage);
        // Likewise the activator: the process-wide one would build jobs from another host's container (and grains).
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(cfg => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(storage));
        if (s.Has(SiloRoles.Scheduler))
            services.AddHangfireServer(o => o.ServerName = $"{Environment.MachineName}:{s.SiloPort}");
    }

    /// <summary>Hangfire installs and upgrades its own schema, under its own lock.</summary>
    public static PostgreSqlStorageOptions StorageOptions() => new() { SchemaName = Schema, PrepareSchemaIfNecessary = true };
}

using Hangfire;
using Hangfire.PostgreSql;

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
        services.AddHangfire(cfg => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(s.Postgres), StorageOptions()));
        if (s.Has(SiloRoles.Scheduler))
            services.AddHangfireServer(o => o.ServerName = $"{Environment.MachineName}:{s.SiloPort}");
    }

    /// <summary>
    /// Hangfire installs and upgrades its own schema, under its own lock. Long polling (LISTEN/NOTIFY) lets a queued job,
    /// such as a schedule's "run now", start at once instead of at the next 15-second queue poll.
    /// </summary>
    public static PostgreSqlStorageOptions StorageOptions() => new() { SchemaName = Schema, PrepareSchemaIfNecessary = true, EnableLongPolling = true };
}

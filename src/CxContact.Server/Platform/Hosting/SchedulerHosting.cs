using CxContact.Server.Scheduling;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Hangfire on PostgreSQL. Every role can enqueue (the client side); only the scheduler role runs the server
/// that executes jobs.
/// </summary>
/// <remarks>
/// Hangfire keeps process-wide statics (JobStorage.Current, JobActivator.Current, JobFilterProviders.Providers,
/// its LogProvider) that AddHangfire fills from whichever host configured it last. Two hosts in one process (the
/// tests) would then enqueue into, run from, activate jobs with and log through each other. So each host registers
/// its own storage, activator and filters in its container, where AddHangfire's registrations (TryAdd) leave them
/// and the server, the dashboard and <see cref="HangfireSchedules"/> take them; JobStorage.Current is never set, so
/// any code that would fall back to it fails instead of reaching another host's database. Only the log provider
/// cannot be per host: <see cref="HangfireLogging"/> keeps it pointing at a host that is still up.
/// </remarks>
public static class SchedulerHosting
{
    public const string Schema = "hangfire";

    public static void AddCxHangfire(this IServiceCollection services, PlatformSettings s)
    {
        // The options are a service so that tests can shorten the invisibility timeout (see StorageOptions).
        services.AddSingleton(_ => StorageOptions());
        services.AddSingleton<JobStorage>(sp =>
        {
            var options = sp.GetRequiredService<PostgreSqlStorageOptions>();
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(s.Postgres, options), options);
        });
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(sp =>
        {
            // Configured first, so the filters' loggers come from HangfireLogging.
            sp.GetRequiredService<IGlobalConfiguration>();
            return HostFilters();
        });
        services.AddHangfire((sp, cfg) => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(HangfireLogging.Attach(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IHostApplicationLifetime>())));
        if (s.Has(SiloRoles.Scheduler))
        {
            // A service too (AddHangfireServer() reads it from the container), so tests can poll for due jobs sooner.
            // The server is told to stop as the host starts stopping, and its stop waits within the host's timeout;
            // its disposal, after that, gets only the margin left before ShutdownDeadline ends the process.
            services.AddSingleton(_ => new BackgroundJobServerOptions
            {
                ServerName = $"{Environment.MachineName}:{s.SiloPort}", ShutdownTimeout = ShutdownDeadline.ExitMargin,
            });
            services.AddHangfireServer();
        }
    }

    /// <summary>
    /// Hangfire installs and upgrades its own schema, under its own lock. A job whose server died is taken again by
    /// another server once it has been invisible for InvisibilityTimeout; the sliding timeout keeps a job that is
    /// still running visible to nobody else however long it runs (its server renews the fetch every fifth of it).
    /// </summary>
    public static PostgreSqlStorageOptions StorageOptions() => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>Hangfire's default global filters, as this host's own instances: no other host's additions reach them.</summary>
    private static JobFilterProviderCollection HostFilters()
    {
        var filters = new JobFilterCollection();
        filters.Add(new CaptureCultureAttribute());
        filters.Add(new AutomaticRetryAttribute());
        filters.Add(new StatisticsHistoryAttribute());
        filters.Add(new ContinuationsSupportAttribute());
        return new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
    }
}

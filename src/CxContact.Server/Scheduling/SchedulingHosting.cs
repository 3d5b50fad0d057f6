using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Scheduling;

/// <summary>The Job Scheduler's services: every role manages schedules and enqueues; the scheduler role reconciles.</summary>
public static class SchedulingHosting
{
    public static void AddCxScheduling(this IServiceCollection services, PlatformSettings settings)
    {
        services.AddSingleton<ScheduleRunStore>();
        services.AddSingleton<ScheduleRequestParser>();
        services.AddSingleton<HangfireSchedules>();
        services.AddSingleton<ScheduleActions>();
        services.AddSingleton<ScheduleRunner>();
        services.AddSingleton<SchedulerReconciler>();
        services.AddTransient<ScheduledRunJob>();
        if (settings.Has(SiloRoles.Scheduler)) services.AddHostedService(sp => sp.GetRequiredService<SchedulerReconciler>());
    }
}

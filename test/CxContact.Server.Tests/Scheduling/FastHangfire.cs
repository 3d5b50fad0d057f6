using CxContact.Server.Platform.Hosting;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// Hangfire's timings shrunk for tests only (ApiFactory.WithServices): due recurring jobs are looked for every second
/// rather than every 15, idle workers look at the queue every second, and a job whose server died is taken again
/// after 5 seconds rather than 5 minutes (a live server renews its jobs each second, so none is taken twice).
/// </summary>
public static class FastHangfire
{
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromSeconds(5);

    public static void Configure(IServiceCollection services)
    {
        var storage = SchedulerHosting.StorageOptions();
        storage.InvisibilityTimeout = InvisibilityTimeout;
        storage.QueuePollInterval = TimeSpan.FromSeconds(1);
        services.AddSingleton(storage);
        services.AddSingleton(new BackgroundJobServerOptions { SchedulePollingInterval = TimeSpan.FromSeconds(1) });
    }
}

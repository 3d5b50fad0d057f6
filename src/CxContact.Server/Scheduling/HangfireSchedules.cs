using CxContact.Core.Scheduling;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;

namespace CxContact.Server.Scheduling;

/// <summary>
/// The Hangfire side of schedules: a recurring job per enabled cron schedule (carrying its time zone and missed-run
/// policy), a delayed job per single run, and a plain enqueue for "run now". Every role can call this; only the
/// scheduler role executes what it registers.
/// </summary>
public sealed class HangfireSchedules(JobStorage storage, IJobFilterProvider filters)
{
    // Made here on this host's storage and filters (see SchedulerHosting) rather than with Hangfire's defaults, which
    // are process-wide: with two hosts in one process, "run now" would be queued in the other's database.
    private readonly RecurringJobManager recurring = new(storage, filters);
    private readonly BackgroundJobClient jobs = new(storage, filters);

    public const string Prefix = "schedule:";
    public const string Queue = "default";

    public static string RecurringJobId(Guid tenantId, Guid scheduleId) => $"{Prefix}{tenantId:N}:{scheduleId:N}";

    /// <summary>The tenant a recurring job id of ours belongs to; null for anyone else's job.</summary>
    public static Guid? TenantOf(string recurringJobId)
    {
        if (!recurringJobId.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var parts = recurringJobId[Prefix.Length..].Split(':');
        return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var t) ? t : null;
    }

    /// <summary>Brings Hangfire in line with one schedule; returns the delayed job id of a single run (or null).</summary>
    public string? Apply(ScheduleInfo s, DateTimeOffset now)
    {
        var d = s.Definition;
        if (!d.Enabled)
        {
            Remove(s);
            return null;
        }
        if (d.Cron is { } cron)
        {
            recurring.AddOrUpdate<ScheduledRunJob>(s.RecurringJobId, Queue, j => j.RunAsync(s.TenantId, s.Id, null, null, CancellationToken.None),
                cron, new RecurringJobOptions
                {
                    TimeZone = ScheduleTimes.Zone(d.TimeZone) ?? TimeZoneInfo.Utc,
                    // Relaxed fires once for any number of occurrences missed in a downtime; Ignorable drops them.
                    MisfireHandling = d.MissedRuns == MissedRunPolicy.Skip ? MisfireHandlingMode.Ignorable : MisfireHandlingMode.Relaxed,
                });
            if (s.OneShotJobId is { } old) jobs.Delete(old);
            return null;
        }
        recurring.RemoveIfExists(s.RecurringJobId);
        // A single run Hangfire already knows stays as it is, whatever its state: one that ran must not run again.
        if (s.OneShotJobId is { } existing && Known(existing)) return existing;
        // Lost from storage (or never registered): only a run still ahead is registered again.
        if (s.OneShotJobId is not null && d.RunAt!.Value <= now) return s.OneShotJobId;
        return jobs.Schedule<ScheduledRunJob>(j => j.RunAsync(s.TenantId, s.Id, null, null, CancellationToken.None), d.RunAt!.Value);
    }

    public void Remove(ScheduleInfo s)
    {
        recurring.RemoveIfExists(s.RecurringJobId);
        if (s.OneShotJobId is { } id) jobs.Delete(id);
    }

    /// <summary>Queues a run now, outside the schedule.</summary>
    public string RunNow(Guid tenantId, Guid scheduleId, Guid runId) =>
        jobs.Enqueue<ScheduledRunJob>(j => j.RunAsync(tenantId, scheduleId, runId, null, CancellationToken.None));

    /// <summary>Our recurring job ids, as Hangfire has them now.</summary>
    public IReadOnlyList<string> RecurringJobIds()
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs().Select(j => j.Id).Where(id => TenantOf(id) is not null).ToList();
    }

    public void RemoveRecurring(string recurringJobId) => recurring.RemoveIfExists(recurringJobId);

    private bool Known(string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetJobData(jobId) is not null;
    }
}

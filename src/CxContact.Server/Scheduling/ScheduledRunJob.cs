using System.ComponentModel;
using Hangfire;
using Hangfire.Server;

namespace CxContact.Server.Scheduling;

/// <summary>
/// The Hangfire job behind every schedule. It carries ids only (so a schedule edited after the job was queued runs
/// as it is now) and hands over to <see cref="ScheduleRunner"/>; the grains do the work.
/// </summary>
[AutomaticRetry(Attempts = Retries, DelaysInSeconds = [15, 60, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class ScheduledRunJob(ScheduleRunner runner)
{
    public const int Retries = 3;

    [DisplayName("Schedule {1} of tenant {0}")]
    public Task RunAsync(Guid tenantId, Guid scheduleId, Guid? manualRunId, PerformContext? context, CancellationToken ct)
    {
        // Hangfire stamps each recurring occurrence with "Time" (Unix seconds): it names the occurrence across retries.
        var time = context?.GetJobParameter<long?>("Time");
        var retry = context?.GetJobParameter<int>("RetryCount") ?? 0;
        return runner.RunAsync(tenantId, scheduleId, manualRunId, context?.BackgroundJob.Id,
            time is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null, retry >= Retries, ct);
    }
}

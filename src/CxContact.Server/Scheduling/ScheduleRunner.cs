using CxContact.Core.Scheduling;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Scheduling;

/// <summary>
/// Runs one occurrence of a schedule: finds (or opens) its history row by occurrence key, does the action once,
/// and records the outcome. A row already finished means this occurrence ran before, so nothing happens again.
/// </summary>
public sealed class ScheduleRunner(IGrainFactory grains, ScheduleRunStore runs, ScheduleActions actions, NpgsqlDataSource db, PlatformClock clock,
    ILogger<ScheduleRunner> log)
{
    /// <summary>How late a single run may start and still count as on time when missed runs are skipped.</summary>
    public static readonly TimeSpan MissedAfter = TimeSpan.FromMinutes(2);

    /// <param name="manualRunId">Set for "run now": the run row the API already queued.</param>
    /// <param name="occurrence">The instant Hangfire fired the recurring job for; null for single and manual runs.</param>
    /// <param name="lastAttempt">True when Hangfire will not retry after a failure, so the run must end failed.</param>
    public async Task RunAsync(Guid tenantId, Guid scheduleId, Guid? manualRunId, string? hangfireJob, DateTimeOffset? occurrence, bool lastAttempt,
        CancellationToken ct)
    {
        var schedule = await grains.GetGrain<ISchedulerGrain>(tenantId).GetAsync(scheduleId);
        if (schedule is null && manualRunId is null)
        {
            // Deleted while its occurrence waited in the queue: there is nothing to run and no history to keep.
            log.LogInformation("Schedule {ScheduleId} of tenant {TenantId} no longer exists; occurrence dropped", scheduleId, tenantId);
            return;
        }
        var d = schedule?.Definition;
        string key;
        DateTimeOffset? scheduledFor = null;
        if (manualRunId is { } m) key = ScheduleRunStore.ManualKey(m);
        else
        {
            scheduledFor = occurrence ?? d!.RunAt;
            key = scheduledFor is { } at ? "at:" + at.ToUnixTimeSeconds() : "job:" + hangfireJob;
        }
        await using var hold = await OccurrenceHold.TakeAsync(db, scheduleId, key, ct);
        var run = await runs.BeginAsync(tenantId, scheduleId, key, manualRunId is null ? "schedule" : "manual", d?.Action.Type ?? "unknown",
            scheduledFor, hangfireJob, ct);
        if (run.Finished)
        {
            log.LogInformation("Schedule {ScheduleId}: occurrence {Occurrence} already {State}; not running it again", scheduleId, key, run.State);
            return;
        }
        if (d is null)
        {
            await runs.FinishAsync(run.TenantId, run.RunId, "failed", "The schedule was deleted before this run started.", null, ct);
            return;
        }
        if (manualRunId is null && !d.Enabled)
        {
            await runs.FinishAsync(run.TenantId, run.RunId, "skipped", null, "the schedule is disabled", ct);
            return;
        }
        if (manualRunId is null && d.RunAt is { } runAt && d.MissedRuns == MissedRunPolicy.Skip && clock.GetUtcNow() - runAt > MissedAfter)
        {
            await runs.FinishAsync(run.TenantId, run.RunId, "skipped", null, $"missed: it was due at {runAt:O} while the scheduler was down", ct);
            return;
        }

        try
        {
            var detail = await actions.RunAsync(tenantId, run, d, ct);
            await runs.FinishAsync(run.TenantId, run.RunId, "succeeded", null, detail, CancellationToken.None);
        }
        catch (ScheduleRunFailedException e)
        {
            log.LogWarning("Schedule {ScheduleId}: run {RunId} failed: {Reason}", scheduleId, run.RunId, e.Message);
            await runs.FinishAsync(run.TenantId, run.RunId, "failed", e.Message, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping: the row stays running and Hangfire hands the job to a server that is up.
            throw;
        }
        catch (Exception e)
        {
            log.LogError(e, "Schedule {ScheduleId}: run {RunId} failed (last attempt: {Last})", scheduleId, run.RunId, lastAttempt);
            if (lastAttempt) await runs.FinishAsync(run.TenantId, run.RunId, "failed", e.Message, null, CancellationToken.None);
            else await runs.NoteErrorAsync(run.TenantId, run.RunId, e.Message + " (will retry)", CancellationToken.None);
            throw;
        }
    }
}

namespace CxContact.Server.Scheduling;

/// <summary>
/// On the scheduler role, once the silo is up: brings Hangfire's recurring jobs in line with the schedule
/// definitions. Missing jobs are added again (storage restored, a job removed by hand) and orphans (a job whose
/// schedule is gone) are removed. Several scheduler servers may do this at once; every step is idempotent.
/// </summary>
public sealed class SchedulerReconciler(IGrainFactory grains, ScheduleRunStore runs, HangfireSchedules hangfire, IHostApplicationLifetime lifetime,
    ILogger<SchedulerReconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Grain calls need the silo running, which it is only once the host has started.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stopping.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (TaskCanceledException) { return; }
        }
        try { await ReconcileAsync(stopping); }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            // Not fatal: schedules keep working as they are in Hangfire; the next start tries again.
            log.LogError(e, "Reconciling schedules with Hangfire failed");
        }
    }

    /// <summary>One pass; returns how many orphaned recurring jobs were removed.</summary>
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var existing = hangfire.RecurringJobIds();
        var tenants = (await runs.TenantsAsync(ct)).Concat(existing.Select(id => HangfireSchedules.TenantOf(id)!.Value)).Distinct().ToList();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var id in await grains.GetGrain<Core.Scheduling.ISchedulerGrain>(tenant).ReconcileAsync()) wanted.Add(id);
        }
        var orphans = existing.Where(id => !wanted.Contains(id)).ToList();
        foreach (var id in orphans) hangfire.RemoveRecurring(id);
        log.LogInformation("Schedules reconciled with Hangfire: {Tenants} tenants, {Jobs} recurring jobs, {Orphans} orphans removed",
            tenants.Count, wanted.Count, orphans.Count);
        return orphans.Count;
    }
}

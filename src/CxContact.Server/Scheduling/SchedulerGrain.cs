using CxContact.Core.Scheduling;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Scheduling;

/// <summary>
/// One per tenant: the tenant's schedule definitions (small, so grain state) and the one place that changes
/// Hangfire for them, so an edit, a disable and a delete all reach Hangfire the same way, one at a time.
/// </summary>
public sealed class SchedulerGrain(
    [PersistentState("scheduler")] IPersistentState<SchedulerGrain.State> state,
    HangfireSchedules hangfire, ScheduleRunStore runs, PlatformClock clock) : Grain, ISchedulerGrain
{
    [GenerateSerializer, Alias("cxc.SchedulerGrain.State")]
    public sealed class State
    {
        [Id(0)] public Dictionary<Guid, ScheduleInfo> Schedules { get; set; } = [];
    }

    private Guid TenantId => this.GetPrimaryKey();

    public async Task<ScheduleInfo> CreateAsync(Guid scheduleId, ScheduleDefinition definition)
    {
        if (state.State.Schedules.ContainsKey(scheduleId)) throw new InvalidOperationException($"Schedule {scheduleId} already exists");
        // Registered first: a crash between here and the write leaves a tenant with nothing to reconcile, which is harmless.
        await runs.RegisterTenantAsync(TenantId, CancellationToken.None);
        var now = clock.GetUtcNow();
        var info = new ScheduleInfo(scheduleId, TenantId, definition, now, now, HangfireSchedules.RecurringJobId(TenantId, scheduleId), null);
        return await SaveAsync(info with { OneShotJobId = hangfire.Apply(info, now) });
    }

    public Task<ScheduleInfo?> GetAsync(Guid scheduleId) => Task.FromResult(state.State.Schedules.GetValueOrDefault(scheduleId));

    public Task<IReadOnlyList<ScheduleInfo>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ScheduleInfo>>(state.State.Schedules.Values.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToList());

    public async Task<ScheduleInfo?> UpdateAsync(Guid scheduleId, ScheduleDefinition definition)
    {
        if (!state.State.Schedules.TryGetValue(scheduleId, out var old)) return null;
        var changed = old with { Definition = definition, UpdatedAt = clock.GetUtcNow() };
        // A new single-run time replaces the delayed job; the old one must not fire as well.
        if (old.OneShotJobId is not null && (definition.RunAt != old.Definition.RunAt || definition.Cron is not null || !definition.Enabled))
        {
            hangfire.Remove(old);
            changed = changed with { OneShotJobId = null };
        }
        return await SaveAsync(changed with { OneShotJobId = hangfire.Apply(changed, clock.GetUtcNow()) });
    }

    public async Task<ScheduleInfo?> SetEnabledAsync(Guid scheduleId, bool enabled)
    {
        if (!state.State.Schedules.TryGetValue(scheduleId, out var old)) return null;
        if (old.Definition.Enabled == enabled) return old;
        return await UpdateAsync(scheduleId, old.Definition with { Enabled = enabled });
    }

    public async Task<bool> DeleteAsync(Guid scheduleId)
    {
        if (!state.State.Schedules.TryGetValue(scheduleId, out var old)) return false;
        hangfire.Remove(old);
        state.State.Schedules.Remove(scheduleId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task<IReadOnlyList<string>> ReconcileAsync()
    {
        var changed = false;
        foreach (var s in state.State.Schedules.Values.ToList())
        {
            var oneShot = hangfire.Apply(s, clock.GetUtcNow());
            if (oneShot != s.OneShotJobId)
            {
                state.State.Schedules[s.Id] = s with { OneShotJobId = oneShot };
                changed = true;
            }
        }
        if (changed) await state.WriteStateAsync();
        return state.State.Schedules.Values.Where(s => s.Definition.Enabled && s.Definition.Cron is not null).Select(s => s.RecurringJobId).ToList();
    }

    private async Task<ScheduleInfo> SaveAsync(ScheduleInfo info)
    {
        state.State.Schedules[info.Id] = info;
        await state.WriteStateAsync();
        return info;
    }
}

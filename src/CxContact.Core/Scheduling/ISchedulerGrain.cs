namespace CxContact.Core.Scheduling;

/// <summary>
/// One per tenant, keyed by the tenant id. Owns the tenant's schedule definitions and keeps Hangfire's recurring
/// (and one-shot) jobs in step with them.
/// </summary>
public interface ISchedulerGrain : IGrainWithGuidKey
{
    /// <summary>Stores a new schedule and registers it with Hangfire when enabled.</summary>
    Task<ScheduleInfo> CreateAsync(Guid scheduleId, ScheduleDefinition definition);

    /// <summary>Returns the schedule, or null when there is none with this id.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ScheduleInfo?> GetAsync(Guid scheduleId);

    /// <summary>Every schedule of the tenant, oldest first.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<ScheduleInfo>> ListAsync();

    /// <summary>Replaces the definition and changes Hangfire to match; null when there is no such schedule.</summary>
    Task<ScheduleInfo?> UpdateAsync(Guid scheduleId, ScheduleDefinition definition);

    /// <summary>Turns a schedule on or off (off removes it from Hangfire, keeping the definition).</summary>
    Task<ScheduleInfo?> SetEnabledAsync(Guid scheduleId, bool enabled);

    /// <summary>Removes the schedule and its Hangfire jobs; false when there was none.</summary>
    Task<bool> DeleteAsync(Guid scheduleId);

    /// <summary>Re-registers every enabled schedule with Hangfire; returns the recurring job ids that should exist.</summary>
    Task<IReadOnlyList<string>> ReconcileAsync();
}

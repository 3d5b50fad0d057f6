namespace CxContact.Core.Suppression;

/// <summary>
/// One per suppression list, keyed by the list id with the tenant id as key extension, so a list is only ever
/// reachable through its own tenant. Holds configuration, counters and the index version; the entries are rows in
/// PostgreSQL and their lookup index lives in Redis.
/// </summary>
public interface ISuppressionListGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Creates the list (registry row, entry partition, empty index); fails if it exists.</summary>
    Task<SuppressionListInfo> CreateAsync(SuppressionListDefinition definition);

    /// <summary>Returns the list, or null when it does not exist or was deleted.</summary>
    Task<SuppressionListInfo?> GetAsync();

    /// <summary>Changes name, description or scope; null members stay as they are.</summary>
    Task<SuppressionListInfo?> UpdateAsync(SuppressionListDefinition changes);

    /// <summary>Deletes the list, drops its entries and its index. False when there was no such list.</summary>
    Task<bool> DeleteAsync();

    /// <summary>Adjusts the entry count after entries were added, removed or purged.</summary>
    Task EntriesChangedAsync(long delta);

    /// <summary>Starts a rebuild: returns the version the new index is built for, or null when there is no such list.</summary>
    Task<long?> BeginRebuildAsync();

    /// <summary>
    /// Records that the index now answers for <paramref name="version"/>. The entry count is left alone: the
    /// snapshot's count is already stale when writes ran during the rebuild.
    /// </summary>
    Task RebuildFinishedAsync(long version);

    /// <summary>Forgets a rebuild that failed, so the list does not claim one is running.</summary>
    Task RebuildFailedAsync(long version);
}
